/** The custom-event properties of one event goal, by key and value (stats_properties). */
import type { Api, Filters } from '../../lib/api.js';
import { formatCount } from '../../lib/format.js';
import { useQuery } from '../../hooks/useQuery.js';
import { UserText } from '../Text/UserText.js';
import { formatRevenue } from './revenue.js';
import { ReportBody } from './ReportBody.js';

interface Props {
  api: Api;
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
  goal: number;
  goalName: string;
}

const LIMIT = 10;

export function PropertiesTable({ api, site, from, to, filters, goal, goalName }: Props) {
  const key = JSON.stringify([site, from, to, filters, goal]);
  const { data, error, loading } = useQuery(key, () =>
    api.conversions.properties({ site, from, to, filters, goal, limit: LIMIT }),
  );
  const rows = data ?? [];
  return (
    <div className="properties" data-testid="goal-properties" aria-busy={loading}>
      <h3>
        Properties of <UserText text={goalName} />
      </h3>
      <ReportBody
        error={error}
        empty={rows.length === 0 && !loading}
        failed="Could not load the properties"
        emptyText="These events carry no properties."
      >
        <table className="breakdown">
          <thead>
            <tr>
              <th scope="col">Property</th>
              <th scope="col">Value</th>
              <th scope="col" className="num">
                Visitors
              </th>
              <th scope="col" className="num">
                Events
              </th>
              <th scope="col" className="num">
                Revenue
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={`${p.key}\u0000${p.value}`}>
                <td>
                  <UserText text={p.key} />
                </td>
                <td>
                  <UserText text={p.value} empty="(none)" />
                </td>
                <td className="num">{formatCount(p.visitors)}</td>
                <td className="num">{formatCount(p.events)}</td>
                <td className="num">{formatRevenue(p.revenue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ReportBody>
    </div>
  );
}
