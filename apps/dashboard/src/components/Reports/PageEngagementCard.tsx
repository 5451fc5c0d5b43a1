/**
 * Scroll depth and web vitals of the pages with the most visitors: how far visits scrolled
 * (average of each visit's deepest point, over the visits that measured it) and the 75th
 * percentile of LCP, INP and CLS (TTFB and FCP in the row's tooltip), each graded good /
 * needs improvement / poor by the web-vitals thresholds. Paths are visitor-supplied: UserText.
 */
import type { Api, Filters } from '../../lib/api.js';
import type { PageEngagementRow } from '../../lib/conversions-api.js';
import { formatCount } from '../../lib/format.js';
import { useQuery } from '../../hooks/useQuery.js';
import { UserText } from '../Text/UserText.js';
import { ReportBody } from './ReportBody.js';

interface Props {
  api: Api;
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
}

const LIMIT = 10;

type Metric = 'lcp_p75' | 'inp_p75' | 'cls_p75' | 'ttfb_p75' | 'fcp_p75';

/** web.dev's thresholds: at or below the first is good, above the second poor. */
const THRESHOLDS: Record<Metric, [number, number]> = {
  lcp_p75: [2500, 4000],
  inp_p75: [200, 500],
  cls_p75: [0.1, 0.25],
  ttfb_p75: [800, 1800],
  fcp_p75: [1800, 3000],
};

function grade(metric: Metric, v: number): 'good' | 'fair' | 'poor' {
  const [good, poor] = THRESHOLDS[metric];
  return v <= good ? 'good' : v <= poor ? 'fair' : 'poor';
}

function formatMetric(metric: Metric, v: number | null): string {
  if (v === null) return '–';
  if (metric === 'cls_p75') return v.toFixed(2);
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`;
}

function tooltip(r: PageEngagementRow): string {
  return [
    `${formatCount(r.scroll_visits)} of ${formatCount(r.visits)} visits measured scrolling`,
    `${formatCount(r.loads)} loads reported web vitals`,
    `TTFB ${formatMetric('ttfb_p75', r.ttfb_p75)}, FCP ${formatMetric('fcp_p75', r.fcp_p75)} (p75)`,
  ].join('; ');
}

export function PageEngagementCard({ api, site, from, to, filters }: Props) {
  const key = JSON.stringify([site, from, to, filters]);
  const { data, error, loading } = useQuery(key, () =>
    api.conversions.pageEngagement({ site, from, to, filters, limit: LIMIT }),
  );
  const rows = data ?? [];

  return (
    <section
      className="card engagement"
      aria-label="Scroll depth and web vitals"
      data-testid="page-engagement"
      aria-busy={loading}
    >
      <h2>Scroll depth and web vitals</h2>
      <ReportBody error={error} empty={rows.length === 0 && !loading}>
        <table className="breakdown">
          <thead>
            <tr>
              <th scope="col">Page</th>
              <th scope="col" className="num" title="Average deepest point of a visit">
                Scroll
              </th>
              <th scope="col" className="num" title="Largest Contentful Paint, p75">
                LCP
              </th>
              <th scope="col" className="num" title="Interaction to Next Paint, p75">
                INP
              </th>
              <th scope="col" className="num" title="Cumulative Layout Shift, p75">
                CLS
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.path} title={tooltip(r)} data-testid="engagement-row">
                <td>
                  <UserText text={r.path} />
                </td>
                <td className="num" data-testid="scroll">
                  {r.scroll_avg === null ? '–' : `${Math.round(r.scroll_avg)}%`}
                </td>
                {(['lcp_p75', 'inp_p75', 'cls_p75'] as const).map((m) => (
                  <td
                    key={m}
                    className={`num${r[m] === null ? '' : ` vital-${grade(m, r[m])}`}`}
                    data-testid={m}
                  >
                    {formatMetric(m, r[m])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ReportBody>
    </section>
  );
}
