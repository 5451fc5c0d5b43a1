/**
 * A service token (`pnpm sightline token --site <id>`) opened by link (`#token=…`): automation
 * and dashboards opened from one before accounts existed. Read-only, the token's sites; its live
 * view takes passes the ingest Worker mints from the token.
 */
import { useCallback, useMemo } from 'react';
import { TokenScreen } from '../components/Auth/TokenScreen.js';
import { MessageScreen } from '../components/Errors/MessageScreen.js';
import { useQuery } from '../hooks/useQuery.js';
import { createAccountApi } from '../lib/account-api.js';
import { createApi, restClient } from '../lib/api.js';
import { createStatsClient } from '../lib/stats-client.js';
import type { DashboardConfig } from '../lib/config.js';
import { livePasses } from '../lib/passes.js';
import { DashboardPage } from './DashboardPage.js';

interface Props {
  config: DashboardConfig;
  token: string;
  onToken: (token: string | null) => void;
}

export function TokenApp({ config, token, onToken }: Props) {
  const db = useMemo(
    () => restClient(config.supabaseUrl, config.publishableKey, token),
    [config, token],
  );
  const api = useMemo(
    () => createApi(db, createStatsClient(config.ingestUrl, token)),
    [db, config.ingestUrl, token],
  );
  const sites = useQuery(token, () =>
    createAccountApi(db, config.ingestUrl, () => Promise.resolve(token)).mySites(),
  );
  const passesFor = useCallback(
    (site: string) => livePasses(config.ingestUrl, () => Promise.resolve(token), site),
    [config.ingestUrl, token],
  );
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
      passesFor={passesFor}
      sites={sites.data}
      canEditConversions
      savedSegments
      onSignOut={() => onToken(null)}
    />
  );
}
