/**
 * A site's settings (owners and admins): the same form as adding a site, the tracker snippet,
 * its public addresses, its spike alert, its imports of analytics history, and, for owners, deleting it with all its data after typing its id.
 */
import { useState, type FormEvent } from 'react';
import { SiteForm } from '../components/Sites/SiteForm.js';
import { Snippet } from '../components/Sites/Snippet.js';
import { ImportsPanel } from '../components/Sites/ImportsPanel.js';
import { SpikeAlertForm } from '../components/Sites/SpikeAlertForm.js';
import { UserText } from '../components/Text/UserText.js';
import type { AccountApi, NewSite } from '../lib/account-api.js';
import type { MySite } from '../lib/api.js';
import { publicUrl } from '../lib/share-url.js';

interface Props {
  account: AccountApi;
  site: MySite;
  ingestUrl: string;
  onChanged: () => void;
  onDeleted: () => void;
}

export function SettingsPage({ account, site, ingestUrl, onChanged, onDeleted }: Props) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [confirm, setConfirm] = useState('');

  const save = ({ id: _id, ...settings }: NewSite): void => {
    setBusy(true);
    void account.updateSite(site.id, settings).then((res) => {
      setBusy(false);
      setMessage(
        res.error ? { text: res.error.message, error: true } : { text: 'Saved.', error: false },
      );
      if (!res.error) onChanged();
    });
  };

  const remove = (e: FormEvent): void => {
    e.preventDefault();
    void account.deleteSite(site.id, confirm).then((res) => {
      if (res.error) setMessage({ text: res.error.message, error: true });
      else onDeleted();
    });
  };

  return (
    <section className="settings" aria-label="Settings">
      <h1>
        Settings of <UserText text={site.name} />
      </h1>
      <SiteForm
        key={site.id}
        initial={{ ...site }}
        isNew={false}
        busy={busy}
        submitLabel="Save"
        onSubmit={save}
      >
        {message && (
          <p
            className={message.error ? 'error' : 'notice'}
            role="status"
            data-testid="settings-message"
          >
            <UserText text={message.text} max={300} />
          </p>
        )}
      </SiteForm>
      {(site.public_dashboard || site.public_live) && (
        <section className="card">
          <h2>Public addresses</h2>
          {site.public_dashboard && (
            <p>
              Dashboard: <code>{publicUrl(site.id)}</code>
            </p>
          )}
          {site.public_live && (
            <p>
              Live count (JSON, for a badge):{' '}
              <code>{`${ingestUrl}/v1/sites/${encodeURIComponent(site.id)}/live`}</code>
            </p>
          )}
        </section>
      )}
      <Snippet ingestUrl={ingestUrl} site={site} />
      <SpikeAlertForm key={site.id} account={account} site={site.id} />
      <ImportsPanel key={`imports:${site.id}`} account={account} site={site} />
      {site.role === 'owner' && (
        <form className="card danger-zone" onSubmit={remove} data-testid="delete-site">
          <h2>Delete this site</h2>
          <p>
            Deletes the site and everything recorded for it, its members&apos; access and its share
            links. This cannot be undone. Type <code>{site.id}</code> to confirm.
          </p>
          <input
            aria-label="Site id to confirm"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
          <button type="submit" className="danger" disabled={confirm !== site.id}>
            Delete site and data
          </button>
        </form>
      )}
    </section>
  );
}
