/** One site's dashboard: header controls, the live layer and the reports for the chosen range. */
import { useEffect, useMemo, useState } from 'react';
import { ErrorBoundary } from '../components/Errors/ErrorBoundary.js';
import { FilterBar } from '../components/Filters/FilterBar.js';
import { ConnectionBadge } from '../components/Live/ConnectionBadge.js';
import { LiveSection } from '../components/Live/LiveSection.js';
import { RangePicker } from '../components/Layout/RangePicker.js';
import { SiteSwitcher } from '../components/Layout/SiteSwitcher.js';
import { Reports } from '../components/Reports/Reports.js';
import { useLive } from '../hooks/useLive.js';
import { useViewState } from '../hooks/useViewState.js';
import type { Api, Site } from '../lib/api.js';
import type { DashboardConfig } from '../lib/config.js';
import { resolveRange } from '../lib/date-range.js';
import type { Dimension } from '../lib/dimensions.js';

interface Props {
  api: Api;
  config: DashboardConfig;
  token: string;
  sites: Site[];
  onSignOut: () => void;
}

/** Relative ranges ("24 h") slide forward; re-resolving once a minute keeps them current. */
function useMinuteTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((t) => t + 1), 60_000);
    return () => clearInterval(id);
  }, []);
  return tick;
}

export function DashboardPage({ api, config, token, sites, onSignOut }: Props) {
  const [view, setView] = useViewState();
  const site = sites.find((s) => s.id === view.site) ?? sites[0]!;
  const live = useLive(api, config.supabaseUrl, config.anonKey, token, site.id, config.ingestUrl);
  const tick = useMinuteTick();
  const range = useMemo(
    () =>
      resolveRange(view.range, site.timezone, new Date(), {
        from: view.from ?? '',
        to: view.to ?? '',
      }),
    // `tick` is in the list only to re-resolve relative ranges every minute.
    [view.range, view.from, view.to, site.timezone, tick],
  );

  const filter = (dimension: Dimension, value: string): void =>
    setView({ filters: { ...view.filters, [dimension]: value } });
  const removeFilter = (dimension: Dimension | null): void => {
    if (dimension === null) return setView({ filters: {} });
    const rest = { ...view.filters };
    delete rest[dimension];
    setView({ filters: rest });
  };

  return (
    <div className="app">
      <header className="top">
        <div className="brand">Sightline</div>
        <SiteSwitcher
          sites={sites}
          value={site.id}
          onChange={(id) => setView({ site: id, filters: {} })}
        />
        <ConnectionBadge state={live.connection} />
        <button type="button" className="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div className="controls">
        <RangePicker range={view.range} from={view.from} to={view.to} onChange={setView} />
        <FilterBar filters={view.filters} onRemove={removeFilter} />
      </div>
      <main>
        <ErrorBoundary what="The live view" inline>
          <LiveSection
            live={live.state}
            filters={view.filters}
            realtime={view.range === 'realtime'}
            mapboxToken={config.mapboxToken}
          />
        </ErrorBoundary>
        {view.range !== 'realtime' && (
          <ErrorBoundary what="The reports" inline>
            <Reports
              api={api}
              site={site.id}
              timeZone={site.timezone}
              range={range}
              filters={view.filters}
              onFilter={filter}
            />
          </ErrorBoundary>
        )}
      </main>
    </div>
  );
}
