/**
 * Boot sequence: configuration, then who is looking: a share link (`#share=…`), a public
 * dashboard (`#public=<site>`), a service token (`#token=…`, or one kept from before), or a
 * person signing in with Supabase Auth. Every failure on the way has its own clear screen.
 */
import { useCallback, useEffect, useState } from 'react';
import './accounts.css';
import { TokenScreen, type TokenReason } from './components/Auth/TokenScreen.js';
import { MessageScreen } from './components/Errors/MessageScreen.js';
import { AuthFailureContext } from './hooks/useAuthFailure.js';
import { loadConfig, type DashboardConfig } from './lib/config.js';
import { publicSite, takeShareSecret } from './lib/share-url.js';
import { storeToken, storedToken, takeTokenFromHash, tokenProblem } from './lib/token.js';
import { AccountApp } from './pages/AccountApp.js';
import { PublicApp } from './pages/PublicApp.js';
import { SharedApp } from './pages/SharedApp.js';
import { TokenApp } from './pages/TokenApp.js';

type ConfigState = { config: DashboardConfig } | { error: string } | null;

function initialToken(): string | null {
  const fromLink = takeTokenFromHash();
  if (fromLink) storeToken(fromLink);
  return fromLink ?? storedToken();
}

export function App() {
  const [configState, setConfigState] = useState<ConfigState>(null);
  const [share] = useState(takeShareSecret);
  const [site] = useState(publicSite);
  const [token, setToken] = useState<string | null>(initialToken);
  const [rejected, setRejected] = useState(false);

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
  if (share) return <SharedApp config={config} secret={share} />;
  if (site) return <PublicApp config={config} site={site} />;
  if (!token) return <AccountApp config={config} />;

  const problem = tokenProblem(token);
  const reason: TokenReason | null = problem ?? (rejected ? 'rejected' : null);
  if (reason) return <TokenScreen reason={reason} onSubmit={changeToken} />;
  return (
    <AuthFailureContext.Provider value={() => setRejected(true)}>
      <TokenApp config={config} token={token} onToken={changeToken} />
    </AuthFailureContext.Provider>
  );
}
