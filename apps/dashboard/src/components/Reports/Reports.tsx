/** The reports for a date range: headline numbers, the time series and every top list. */
import { useState } from 'react';
import type { Api, Filters } from '../../lib/api.js';
import type { ResolvedRange } from '../../lib/date-range.js';
import { cardOf, REPORT_GROUPS, type Dimension } from '../../lib/dimensions.js';
import type { SelectedGoal } from '../../hooks/useGoalColumns.js';
import { useQuery } from '../../hooks/useQuery.js';
import { BreakdownCard } from './BreakdownCard.js';
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
  filters: Filters;
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
  const shownGoal = hidden?.has('conversions') ? null : goal;
  const { from, to, resolution, previous } = range;
  const key = JSON.stringify([site, from, to, filters]);
  const overview = useQuery(key, () => api.overview({ site, from, to, filters }));
  const series = useQuery(`${key}:${resolution}`, () =>
    api.timeseries({ site, from, to, filters, resolution }),
  );
  const prevSeries = useQuery(`${key}:${resolution}:prev`, () =>
    api.timeseries({ site, from: previous.from, to: previous.to, filters, resolution }),
  );
  const seriesMetric = METRICS.find((m) => m.key === metric)!.series;

  return (
    <div className="reports">
      {overview.error && (
        <p className="error">Could not load the overview: {overview.error.message}</p>
      )}
      <OverviewCards overview={overview.data} selected={metric} onSelect={setMetric} />
      {series.error ? (
        <p className="error">Could not load the time series: {series.error.message}</p>
      ) : (
        <TimeseriesChart
          current={series.data ?? []}
          previous={prevSeries.data ?? []}
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
            site={site}
            from={from}
            to={to}
            filters={filters}
            dimensions={group}
            onFilter={onFilter}
            goal={shownGoal}
          />
        ))}
        {!hidden?.has('pages') && (
          <PageEngagementCard api={api} site={site} from={from} to={to} filters={filters} />
        )}
      </div>
      {!hidden?.has('conversions') && (
        <Conversions
          api={api}
          site={site}
          from={from}
          to={to}
          filters={filters}
          canEdit={canEditConversions}
          goal={goal}
          onGoal={setGoal}
        />
      )}
    </div>
  );
}
