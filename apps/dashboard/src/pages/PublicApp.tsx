/**
 * A public dashboard (`#public=<site>`): a site whose owners made its reports public, read by
 * anyone with the publishable key alone. Reports only: who is on the site now stays private
 * (its live count is the badge's, when published).
 */
import { useMemo } from 'react';
import { MessageScreen } from '../components/Errors/MessageScreen.js';
import { useQuery } from '../hooks/useQuery.js';
import { createAccountApi } from '../lib/account-api.js';
import { createApi, restClient } from '../lib/api.js';
import type { DashboardConfig } from '../lib/config.js';
import { DashboardPage } from './DashboardPage.js';

const none = () => null;

export function PublicApp({ config, site }: { config: DashboardConfig; site: string }) {
  const db = useMemo(
    () => restClient(config.supabaseUrl, config.publishableKey, config.publishableKey),
    [config],
  );
  const api = useMemo(() => createApi(db), [db]);
  const access = useQuery(site, () =>
    createAccountApi(db, config.ingestUrl, () => Promise.resolve('')).siteAccess(site),
  );
  const sites = useMemo(() => (access.data ? [access.data.site] : []), [access.data]);
  if (access.error)
    return (
      <MessageScreen title="This dashboard is not public">
        <p>Its owners have not made its reports public, or the site does not exist.</p>
      </MessageScreen>
    );
  if (!access.data) return <div className="boot">Loading…</div>;
  return (
    <DashboardPage
      api={api}
      config={config}
      passesFor={none}
      sites={sites}
      hidden={access.data.hidden}
      nav={<span className="muted shared-badge">Public dashboard</span>}
    />
  );
}
