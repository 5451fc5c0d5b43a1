/** One site's dashboard: header controls, the live layer and the reports for the chosen range. */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ErrorBoundary } from '../components/Errors/ErrorBoundary.js';
import { FilterBar } from '../components/Filters/FilterBar.js';
import { SavedSegments } from '../components/Filters/SavedSegments.js';
import { ConnectionBadge } from '../components/Live/ConnectionBadge.js';
import { LiveSection } from '../components/Live/LiveSection.js';
import { RangePicker } from '../components/Layout/RangePicker.js';
import { SiteSwitcher } from '../components/Layout/SiteSwitcher.js';
import { Reports } from '../components/Reports/Reports.js';
import { useLive } from '../hooks/useLive.js';
import { useLiveRefresh } from '../hooks/useLiveRefresh.js';
import { useViewState } from '../hooks/useViewState.js';
import type { Api, Site } from '../lib/api.js';
import type { DashboardConfig } from '../lib/config.js';
import { resolveRange } from '../lib/date-range.js';
import { cardOf, DIMENSIONS, type Dimension } from '../lib/dimensions.js';
import type { PassKeeper } from '../lib/passes.js';
import { addCondition, clickFilter, removeCondition, type Segment } from '../lib/segment.js';

interface Props {
  api: Api;
  config: DashboardConfig;
  /** The live view's passes for a site; null: no live view (a public dashboard). */
  passesFor: (site: string) => PassKeeper | null;
  sites: Site[];
  /** Cards not shown (a share link's hidden reports; 'live' hides the live view). */
  hidden?: readonly string[];
  /** Whether the caller may define goals and funnels (owners, admins, service tokens). */
  canEditConversions?: boolean;
  /** Whether the caller has saved segments (members and service tokens; not share links). */
  savedSegments?: boolean;
  /** The header's right side: the account's navigation, or a sign-out button. */
  nav?: ReactNode;
  onSignOut?: () => void;
  /** The view state, when the caller shares it with other screens. */
  viewState?: ReturnType<typeof useViewState>;
}

const NONE: readonly string[] = [];

/** Relative ranges ("24 h") slide forward; re-resolving once a minute keeps them current. */
function useMinuteTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((t) => t + 1), 60_000);
    return () => clearInterval(id);
  }, []);
  return tick;
}

export function DashboardPage({
  api,
  config,
  passesFor,
  sites,
  hidden = NONE,
  canEditConversions = false,
  savedSegments = false,
  nav,
  onSignOut,
  viewState,
}: Props) {
  const own = useViewState();
  const [view, setView] = viewState ?? own;
  const site = sites.find((s) => s.id === view.site) ?? sites[0]!;
  const hiddenCards = useMemo(() => new Set(hidden), [hidden]);
  const showLive = !hiddenCards.has('live');
  const passes = useMemo(
    () => (showLive ? passesFor(site.id) : null),
    [passesFor, site.id, showLive],
  );
  const live = useLive(api, config.supabaseUrl, config.publishableKey, passes, site.id);
  // A filter on a hidden card would be refused by the database: not applied.
  const filters: Segment = useMemo(
    () => view.filters.filter((c) => !hiddenCards.has(cardOf(c.dimension))),
    [view.filters, hiddenCards],
  );
  const filterable = useMemo(
    () => DIMENSIONS.filter((d) => !hiddenCards.has(cardOf(d))),
    [hiddenCards],
  );
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

  // Reports of a range that includes now follow the live pushes (at most one re-read per 10 s).
  const now = Date.now();
  const refresh = useLiveRefresh(
    live.state.lastEventAt,
    range.from.getTime() <= now && now < range.to.getTime(),
  );

  const filter = (dimension: Dimension, value: string): void =>
    setView({ filters: clickFilter(filters, dimension, value) });
  const removeFilter = (index: number | null): void =>
    setView({ filters: index === null ? [] : removeCondition(filters, index) });

  return (
    <div className="app">
      <header className="top">
        <div className="brand">Sightline</div>
        <SiteSwitcher
          sites={sites}
          value={site.id}
          onChange={(id) => setView({ site: id, filters: [] })}
        />
        {showLive && <ConnectionBadge state={live.connection} />}
        {nav ??
          (onSignOut && (
            <button type="button" className="link" onClick={onSignOut}>
              Sign out
            </button>
          ))}
      </header>
      <div className="controls">
        <RangePicker
          range={view.range}
          from={view.from}
          to={view.to}
          onChange={setView}
          compare={view.compare}
          onCompare={(compare) => setView({ compare })}
        />
        <FilterBar
          filters={filters}
          dimensions={filterable}
          onAdd={(c) => setView({ filters: addCondition(filters, c) })}
          onRemove={removeFilter}
        />
        {savedSegments && (
          <SavedSegments
            segments={api.segments}
            site={site.id}
            filters={filters}
            onApply={(segment) => setView({ filters: segment })}
          />
        )}
      </div>
      <main>
        {showLive && (
          <ErrorBoundary what="The live view" inline>
            <LiveSection
              live={live.state}
              filters={filters}
              realtime={view.range === 'realtime'}
              mapboxToken={config.mapboxToken}
            />
          </ErrorBoundary>
        )}
        {view.range !== 'realtime' && (
          <ErrorBoundary what="The reports" inline>
            <Reports
              api={api}
              site={site.id}
              timeZone={site.timezone}
              range={range}
              filters={filters}
              compare={view.compare}
              refresh={refresh}
              onFilter={filter}
              hidden={hiddenCards}
              canEditConversions={canEditConversions}
            />
          </ErrorBoundary>
        )}
      </main>
    </div>
  );
}
