/**
 * Boot sequence: configuration → token → the token's sites → the dashboard. Every failure on
 * the way has its own clear screen.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { TokenScreen, type TokenReason } from './components/Auth/TokenScreen.js';
import { MessageScreen } from './components/Errors/MessageScreen.js';
import { AuthFailureContext } from './hooks/useAuthFailure.js';
import { useQuery } from './hooks/useQuery.js';
import { createApi } from './lib/api.js';
import { loadConfig, type DashboardConfig } from './lib/config.js';
import { storeToken, storedToken, takeTokenFromHash, tokenProblem } from './lib/token.js';
import { DashboardPage } from './pages/DashboardPage.js';

type ConfigState = { config: DashboardConfig } | { error: string } | null;

function initialToken(): string | null {
  const fromLink = takeTokenFromHash();
  if (fromLink) storeToken(fromLink);
  return fromLink ?? storedToken();
}

export function App() {
  const [configState, setConfigState] = useState<ConfigState>(null);
  const [token, setToken] = useState<string | null>(initialToken);
  const [rejected, setRejected] = useState(false);
  // After an explicit sign-out the configured demo token no longer signs in by itself.
  const [allowDefault, setAllowDefault] = useState(true);

  useEffect(() => {
    loadConfig().then(
      (config) => setConfigState({ config }),
      (error: unknown) =>
        setConfigState({ error: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  const changeToken = useCallback((next: string | null) => {
    storeToken(next);
    setRejected(false);
    if (next === null) setAllowDefault(false);
    setToken(next);
  }, []);

  if (configState === null) return <div className="boot">Loading…</div>;
  if ('error' in configState) {
    return (
      <MessageScreen title="Sightline is not configured">
        <p>{configState.error}</p>
      </MessageScreen>
    );
  }
  const { config } = configState;
  // A stored or linked token wins over the local stack's demo token.
  const effective = token ?? (allowDefault && config.token ? config.token : null);
  const problem = effective ? tokenProblem(effective) : null;
  const reason: TokenReason | null = !effective
    ? 'missing'
    : (problem ?? (rejected ? 'rejected' : null));
  if (reason || !effective)
    return <TokenScreen reason={reason ?? 'missing'} onSubmit={changeToken} />;

  return (
    <AuthFailureContext.Provider value={() => setRejected(true)}>
      <SignedIn config={config} token={effective} onToken={changeToken} />
    </AuthFailureContext.Provider>
  );
}

interface SignedInProps {
  config: DashboardConfig;
  token: string;
  /** A new token, or null to sign out. */
  onToken: (token: string | null) => void;
}

function SignedIn({ config, token, onToken }: SignedInProps) {
  const api = useMemo(() => createApi(config.supabaseUrl, config.anonKey, token), [config, token]);
  const sites = useQuery(token, () => api.sites());
  if (sites.error && sites.error.code !== 'auth') {
    return (
      <MessageScreen
        title="Cannot reach the Sightline database"
        action={{ label: 'Retry', onClick: () => window.location.reload() }}
      >
        <p>{sites.error.message}</p>
      </MessageScreen>
    );
  }
  if (!sites.data) return <div className="boot">Loading sites…</div>;
  if (sites.data.length === 0) return <TokenScreen reason="no-sites" onSubmit={onToken} />;
  return (
    <DashboardPage
      api={api}
      config={config}
      token={token}
      sites={sites.data}
      onSignOut={() => onToken(null)}
    />
  );
}
