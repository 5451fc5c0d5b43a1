/** The reports for a date range: headline numbers, the time series and every top list. */
import { useMemo, useState } from 'react';
import type { Api } from '../../lib/api.js';
import type { ResolvedRange } from '../../lib/date-range.js';
import { cardOf, DIMENSION_LABELS, REPORT_GROUPS, type Dimension } from '../../lib/dimensions.js';
import { reportReader } from '../../lib/report-reader.js';
import { rpcFilters, type Segment } from '../../lib/segment.js';
import { COMPARE_LABELS, type Compare } from '../../lib/url-state.js';
import type { SelectedGoal } from '../../hooks/useGoalColumns.js';
import { useQuery } from '../../hooks/useQuery.js';
import { BreakdownCard } from './BreakdownCard.js';
import { ExportCsv } from './ExportCsv.js';
import { ExportZip } from './ExportZip.js';
import { Conversions } from './Conversions.js';
import { OverviewCards } from './OverviewCards.js';
import { PageEngagementCard } from './PageEngagementCard.js';
import { TimeseriesChart } from './TimeseriesChart.js';
import { METRICS, type MetricKey } from './metrics.js';

interface Props {
  api: Api;
  site: string;
  timeZone: string;
  range: ResolvedRange;
  filters: Segment;
  /** What the overview and the chart compare with. */
  compare?: Compare;
  /** Moves when live data arrived for a range that includes now: the figures are read again. */
  refresh?: number;
  onFilter: (dimension: Dimension, value: string) => void;
  /** Cards not shown (a share link's hidden reports). */
  hidden?: ReadonlySet<string>;
  /** Whether the caller may define goals and funnels (owners, admins, service tokens). */
  canEditConversions?: boolean;
}

export function Reports({
  api,
  site,
  timeZone,
  range,
  filters,
  compare = 'previous_period',
  refresh = 0,
  onFilter,
  hidden,
  canEditConversions = false,
}: Props) {
  const [metric, setMetric] = useState<MetricKey>('visitors');
  // The goal whose conversions every breakdown shows (chosen in the Goals card), for the site
  // it was chosen on: switching sites drops it.
  const [chosen, setChosen] = useState<{ site: string; goal: SelectedGoal } | null>(null);
  const goal = chosen?.site === site ? chosen.goal : null;
  const setGoal = (g: SelectedGoal | null) => setChosen(g && { site, goal: g });
  // The cards that only the report RPCs answer (goals, funnels, page engagement, a goal's
  // columns) need the filters in their form; other segments leave them out, saying why.
  const rpc = useMemo(() => rpcFilters(filters), [filters]);
  const reader = useMemo(
    () => reportReader(api, api.stats, filters, compare),
    [api, filters, compare],
  );
  const shownGoal = hidden?.has('conversions') || !rpc ? null : goal;
  const { from, to, resolution, previous } = range;
  const key = JSON.stringify([site, from, to, filters, compare, refresh]);
  const overview = useQuery(key, () => reader.overview({ site, from, to }));
  const series = useQuery(`${key}:${resolution}`, () =>
    reader.timeseries({ site, from, to, resolution, timeZone, previous }),
  );
  const seriesMetric = METRICS.find((m) => m.key === metric)!.series;
  // Whether imported days are in these figures (docs/imports.md): a mark when they are, a note
  // when the range has some that this view cannot show.
  const imported = useQuery(`${key}:imported`, () =>
    api.imported && rpc
      ? api.imported({ site, from, to, filters: rpc })
      : Promise.resolve({ data: null, error: null }),
  );
  const note = imported.data;

  return (
    <div className="reports">
      {overview.error && (
        <p className="error">Could not load the overview: {overview.error.message}</p>
      )}
      {note?.included && (
        <p className="muted imported-note" data-testid="imported-note">
          Includes imported data ({note.days} {note.days === 1 ? 'day' : 'days'}, {note.first_day}{' '}
          to {note.last_day}).
        </p>
      )}
      {note && !note.included && note.days > 0 && (
        <p className="muted imported-note" data-testid="imported-note">
          This view leaves out {note.days} imported {note.days === 1 ? 'day' : 'days'}: imported
          history has whole days of one dimension only (no hours, several filters, goals or
          funnels).
        </p>
      )}
      <OverviewCards
        overview={overview.data?.data ?? null}
        estimated={overview.data?.exact === false}
        selected={metric}
        onSelect={setMetric}
      />
      {reader.csv && (
        <p className="overview-export">
          <ExportCsv what="the overview" load={() => reader.csv!('overview', { site, from, to })} />
          <ExportZip
            name={`${site}-reports.zip`}
            parts={() => {
              const csv = reader.csv!;
              const shown = REPORT_GROUPS.filter((g) => !hidden?.has(cardOf(g[0]!))).flat();
              return [
                { what: 'overview', load: () => csv('overview', { site, from, to }) },
                {
                  what: 'time series',
                  load: () => csv('timeseries', { site, from, to, resolution }),
                },
                ...shown.map((dimension) => ({
                  what: DIMENSION_LABELS[dimension],
                  load: () => csv('breakdown', { site, from, to, dimension, limit: 1000 }),
                })),
              ];
            }}
          />
        </p>
      )}
      {series.error ? (
        <p className="error">Could not load the time series: {series.error.message}</p>
      ) : (
        <TimeseriesChart
          exportCsv={
            reader.csv && (() => reader.csv!('timeseries', { site, from, to, resolution }))
          }
          current={series.data?.data.current ?? []}
          previous={series.data?.data.previous ?? []}
          previousLabel={COMPARE_LABELS[compare].toLowerCase()}
          estimated={series.data?.exact === false}
          busy={series.loading}
          metric={seriesMetric}
          resolution={resolution}
          timeZone={timeZone}
        />
      )}
      <div className="breakdowns">
        {REPORT_GROUPS.filter((group) => !hidden?.has(cardOf(group[0]!))).map((group) => (
          <BreakdownCard
            key={group[0]}
            api={api}
            reader={reader}
            site={site}
            from={from}
            to={to}
            filters={filters}
            dimensions={group}
            refresh={refresh}
            onFilter={onFilter}
            goal={shownGoal}
          />
        ))}
        {!hidden?.has('pages') && rpc && (
          <PageEngagementCard api={api} site={site} from={from} to={to} filters={rpc} />
        )}
      </div>
      {!rpc && (
        <p className="muted" data-testid="rpc-only-note">
          Page engagement, goals and funnels take filters with “is” and one value per dimension
          only: they are not shown for these filters.
        </p>
      )}
      {!hidden?.has('conversions') && rpc && (
        <Conversions
          api={api}
          site={site}
          from={from}
          to={to}
          filters={rpc}
          canEdit={canEditConversions}
          goal={goal}
          onGoal={setGoal}
        />
      )}
    </div>
  );
}
