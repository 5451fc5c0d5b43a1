/**
 * Share links of a site: create one (a label, an optional password, reports to hide, an optional
 * expiry), copy it (its secret is shown once, at creation), see when each was last used, revoke
 * them one by one. A revoked link stops working on its next request and its live view ends.
 */
import { useState, type FormEvent } from 'react';
import { ApiKeysPanel } from '../components/ApiKeys/ApiKeysPanel.js';
import { ShownOnce } from '../components/Text/ShownOnce.js';
import { UserText } from '../components/Text/UserText.js';
import { useLoad } from '../hooks/useLoad.js';
import type { AccountApi } from '../lib/account-api.js';
import { DIMENSION_LABELS, REPORT_GROUPS, cardOf } from '../lib/dimensions.js';
import { formatWhen } from '../lib/format-when.js';
import { shareUrl } from '../lib/share-url.js';

interface Props {
  account: AccountApi;
  site: string;
}

/** Each card by the names of its tabs, and the live view. */
const CARDS = [
  ...REPORT_GROUPS.map((group) => ({
    card: cardOf(group[0]!),
    label: group.map((d) => DIMENSION_LABELS[d]).join(', '),
  })),
  { card: 'conversions', label: 'Goals, funnels, properties and links' },
  { card: 'live', label: 'Live map and feed' },
];

export function SharingPage({ account, site }: Props) {
  const links = useLoad(`links:${site}`, () => account.shareLinks(site));
  const [label, setLabel] = useState('');
  const [password, setPassword] = useState('');
  const [hidden, setHidden] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = (e: FormEvent): void => {
    e.preventDefault();
    setError(null);
    void account
      .createShareLink(site, {
        label: label.trim(),
        password,
        hidden,
        expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
      })
      .then((res) => {
        if (res.error) return setError(res.error.message);
        setCreated(shareUrl(res.data.token));
        setLabel('');
        setPassword('');
        setHidden([]);
        setExpires('');
        links.reload();
      });
  };

  const revoke = (id: string): void => {
    void account.revokeShareLink(id).then((res) => {
      if (res.error) setError(res.error.message);
      links.reload();
    });
  };

  return (
    <section className="sharing" aria-label="Share links">
      <h1>Share links</h1>
      <p className="muted">
        A share link opens this site&apos;s dashboard read-only, without an account.
      </p>
      <form className="site-form" onSubmit={create} data-testid="share-form">
        <label htmlFor="share-label">Label (who it is for)</label>
        <input
          id="share-label"
          maxLength={200}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
        />
        <label htmlFor="share-password">Password (optional)</label>
        <input
          id="share-password"
          type="password"
          autoComplete="new-password"
          maxLength={72}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <fieldset>
          <legend>Hide these reports</legend>
          {CARDS.map(({ card, label: name }) => (
            <label key={card}>
              <input
                type="checkbox"
                checked={hidden.includes(card)}
                onChange={(e) =>
                  setHidden((h) => (e.target.checked ? [...h, card] : h.filter((c) => c !== card)))
                }
              />{' '}
              {name}
            </label>
          ))}
        </fieldset>
        <label htmlFor="share-expires">Expires (optional)</label>
        <input
          id="share-expires"
          type="date"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
        />
        <button type="submit">Create link</button>
      </form>
      {error && (
        <p className="error" role="alert">
          <UserText text={error} />
        </p>
      )}
      {created && <ShownOnce key={created} value={created} what="link" testId="new-share-link" />}
      <table className="list" data-testid="share-list">
        <thead>
          <tr>
            <th>Label</th>
            <th>Hidden</th>
            <th>Created</th>
            <th>Last used</th>
            <th>State</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {(links.data ?? []).map((l) => (
            <tr key={l.id} data-state={l.revoked_at ? 'revoked' : 'active'}>
              <td>
                <UserText text={l.label} empty="(no label)" />{' '}
                {l.has_password && <span className="muted">(password)</span>}
              </td>
              <td>
                {l.hidden_reports
                  .map((c) => CARDS.find((x) => x.card === c)?.label ?? c)
                  .join('; ') || <span className="muted">none</span>}
              </td>
              <td>{formatWhen(l.created_at)}</td>
              <td>
                {l.last_used_at ? formatWhen(l.last_used_at) : <span className="muted">never</span>}
              </td>
              <td>
                {l.revoked_at
                  ? 'revoked'
                  : l.expires_at && Date.parse(l.expires_at) < Date.now()
                    ? 'expired'
                    : 'active'}
              </td>
              <td>
                {!l.revoked_at && (
                  <button type="button" className="danger" onClick={() => revoke(l.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ApiKeysPanel account={account} site={site} />
    </section>
  );
}
