/**
 * A site's dashboard opened by a share link: read-only, minus the reports the link hides. The
 * ingest Worker opens the link (asking for its password when it has one) and hands out a pass
 * for a minute, renewed every half minute; the reports and the live view read with it. When the
 * link is revoked or expires, the next renewal is refused and the view ends with a message.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { MessageScreen } from '../components/Errors/MessageScreen.js';
import { createAccountApi, type SiteAccess } from '../lib/account-api.js';
import { createApi, restClient, type ApiError } from '../lib/api.js';
import { createStatsClient } from '../lib/stats-client.js';
import type { DashboardConfig } from '../lib/config.js';
import { openShareLink, type PassKeeper } from '../lib/passes.js';
import { DashboardPage } from './DashboardPage.js';

type State =
  | { kind: 'opening' }
  | { kind: 'password'; wrong: boolean }
  | { kind: 'ended'; error: ApiError }
  | { kind: 'open'; keeper: PassKeeper; access: SiteAccess };

const ENDED: Record<string, string> = {
  share_revoked: 'This link was revoked by the site’s owners.',
  share_expired: 'This link has expired.',
  share_not_found: 'This link does not exist (or was mistyped).',
};

export function SharedApp({ config, secret }: { config: DashboardConfig; secret: string }) {
  const [state, setState] = useState<State>({ kind: 'opening' });
  const [password, setPassword] = useState('');

  const open = async (pw: string): Promise<void> => {
    try {
      const { pass, keeper } = await openShareLink(config.ingestUrl, secret, pw);
      const db = restClient(config.supabaseUrl, config.publishableKey, () => keeper.current());
      const access = await createAccountApi(db, config.ingestUrl, () =>
        keeper.current(),
      ).siteAccess(pass.site);
      if (access.error) return setState({ kind: 'ended', error: access.error });
      keeper.onEnded((error) => setState({ kind: 'ended', error }));
      setState({ kind: 'open', keeper, access: access.data });
    } catch (error) {
      const e = error as ApiError;
      if (e.reason === 'password_required' || e.reason === 'wrong_password')
        setState({ kind: 'password', wrong: e.reason === 'wrong_password' });
      else setState({ kind: 'ended', error: e });
    }
  };

  useEffect(() => {
    void open('');
    // Opened once per secret.
  }, [secret]);

  if (state.kind === 'opening') return <div className="boot">Opening the shared dashboard…</div>;
  if (state.kind === 'ended')
    return (
      <MessageScreen title="This shared dashboard is not available">
        <p data-testid="share-ended" data-reason={state.error.reason ?? ''}>
          {ENDED[state.error.reason ?? ''] ?? state.error.message}
        </p>
      </MessageScreen>
    );
  if (state.kind === 'password') {
    const submit = (e: FormEvent): void => {
      e.preventDefault();
      setState({ kind: 'opening' });
      void open(password);
    };
    return (
      <main className="message-screen">
        <form className="message-card" onSubmit={submit} data-testid="share-password">
          <h1>This dashboard is protected</h1>
          <p>
            {state.wrong ? 'That password is not right.' : 'Enter the password you were given.'}
          </p>
          <label htmlFor="share-pw">Password</label>
          <input
            id="share-pw"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button type="submit">Open</button>
        </form>
      </main>
    );
  }
  return <SharedDashboard config={config} keeper={state.keeper} access={state.access} />;
}

function SharedDashboard({
  config,
  keeper,
  access,
}: {
  config: DashboardConfig;
  keeper: PassKeeper;
  access: SiteAccess;
}) {
  const api = useMemo(
    () =>
      createApi(
        restClient(config.supabaseUrl, config.publishableKey, () => keeper.current()),
        createStatsClient(config.ingestUrl, () => keeper.current()),
      ),
    [config, keeper],
  );
  const sites = useMemo(() => [access.site], [access]);
  return (
    <DashboardPage
      api={api}
      config={config}
      passesFor={() => keeper}
      sites={sites}
      hidden={access.hidden}
      nav={<span className="muted shared-badge">Shared view · read-only</span>}
    />
  );
}
