/**
 * Adding a site: its settings, then the tracker snippet to copy and a check that turns green when
 * its first event arrives. The person who adds it becomes its owner.
 */
import { useState } from 'react';
import { SiteForm } from '../components/Sites/SiteForm.js';
import { FirstEvent } from '../components/Sites/FirstEvent.js';
import { Snippet } from '../components/Sites/Snippet.js';
import { UserText } from '../components/Text/UserText.js';
import type { AccountApi, NewSite } from '../lib/account-api.js';
import type { Api, MySite } from '../lib/api.js';
import type { DashboardConfig } from '../lib/config.js';
import type { PassKeeper } from '../lib/passes.js';

interface Props {
  account: AccountApi;
  api: Api;
  config: DashboardConfig;
  passesFor: (site: string) => PassKeeper | null;
  /** First site of a new account: a welcome instead of a plain heading. */
  first: boolean;
  onCreated: (site: MySite) => void;
  onOpen: (site: string) => void;
}

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function AddSitePage({ account, api, config, passesFor, first, onCreated, onOpen }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<MySite | null>(null);

  const create = (site: NewSite): void => {
    setBusy(true);
    setError(null);
    void account.createSite(site).then((res) => {
      setBusy(false);
      if (res.error) {
        setError(
          res.error.reason === 'site_id_taken'
            ? `The id "${site.id}" is taken: choose another.`
            : res.error.message,
        );
        return;
      }
      setCreated(res.data);
      onCreated(res.data);
    });
  };

  if (created) {
    const passes = passesFor(created.id);
    return (
      <section className="add-site" data-testid="site-created">
        <h1>
          <UserText text={created.name} /> is ready
        </h1>
        <Snippet ingestUrl={config.ingestUrl} site={created} />
        {passes && <FirstEvent api={api} config={config} passes={passes} site={created.id} />}
        <button type="button" onClick={() => onOpen(created.id)}>
          Open the dashboard
        </button>
      </section>
    );
  }

  return (
    <section className="add-site">
      <h1>{first ? 'Welcome to Sightline: add your first site' : 'Add a site'}</h1>
      <SiteForm
        initial={{
          id: '',
          name: '',
          domains: [],
          timezone: browserZone(),
          public_live: false,
          public_dashboard: false,
          store_raw: false,
          respect_privacy_signals: true,
        }}
        isNew
        busy={busy}
        submitLabel="Add site"
        onSubmit={create}
      >
        {error && (
          <p className="error" role="alert">
            <UserText text={error} />
          </p>
        )}
      </SiteForm>
    </section>
  );
}
