/**
 * A site's Stats API keys (docs/stats-api.md): create one with a name (the key is shown once, at
 * creation), see when each was last used, revoke them one by one. A revoked key is refused on
 * its next request. Owners and admins only (the database refuses anyone else).
 */
import { useState, type FormEvent } from 'react';
import { useLoad } from '../../hooks/useLoad.js';
import type { AccountApi } from '../../lib/account-api.js';
import { formatWhen } from '../../lib/format-when.js';
import { ShownOnce } from '../Text/ShownOnce.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  account: AccountApi;
  site: string;
}

export function ApiKeysPanel({ account, site }: Props) {
  const keys = useLoad(`api-keys:${site}`, () => account.apiKeys(site));
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = (e: FormEvent): void => {
    e.preventDefault();
    setError(null);
    void account.createApiKey(site, name.trim()).then((res) => {
      if (res.error) return setError(res.error.message);
      setCreated(res.data.key);
      setName('');
      keys.reload();
    });
  };

  const revoke = (id: string): void => {
    void account.revokeApiKey(id).then((res) => {
      if (res.error) setError(res.error.message);
      keys.reload();
    });
  };

  return (
    <section className="sharing" aria-label="API keys">
      <h2>API keys</h2>
      <p className="muted">
        A key reads this site&apos;s reports through the Stats API (
        <code>Authorization: Bearer sl_key_…</code>), for your own tools and scripts.
      </p>
      <form className="site-form" onSubmit={create} data-testid="api-key-form">
        <label htmlFor="api-key-name">Name (what it is for)</label>
        <input
          id="api-key-name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit">Create key</button>
      </form>
      {error && (
        <p className="error" role="alert">
          <UserText text={error} />
        </p>
      )}
      {created && <ShownOnce key={created} value={created} what="key" testId="new-api-key" />}
      <table className="list" data-testid="api-key-list">
        <thead>
          <tr>
            <th>Name</th>
            <th>Key</th>
            <th>Created</th>
            <th>Last used</th>
            <th>State</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((k) => (
            <tr key={k.id} data-state={k.revoked_at ? 'revoked' : 'active'}>
              <td>
                <UserText text={k.name} />
              </td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{formatWhen(k.created_at)}</td>
              <td>
                {k.last_used_at ? formatWhen(k.last_used_at) : <span className="muted">never</span>}
              </td>
              <td>{k.revoked_at ? 'revoked' : 'active'}</td>
              <td>
                {!k.revoked_at && (
                  <button type="button" className="danger" onClick={() => revoke(k.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
