/**
 * What the full tracker reports besides page views: outbound links and file downloads by
 * target (origin and path: the Worker drops their query strings), and 404 pages by path.
 * Targets and paths are visitor-supplied: rendered through UserText.
 */
import { useState, type CSSProperties } from 'react';
import type { Api, Filters } from '../../lib/api.js';
import type { LinkKind } from '../../lib/conversions-api.js';
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

const KINDS: { kind: LinkKind; label: string; column: string }[] = [
  { kind: 'outbound', label: 'Outbound links', column: 'Link' },
  { kind: 'download', label: 'Downloads', column: 'File' },
  { kind: '404', label: '404 pages', column: 'Page' },
];
const LIMIT = 10;

export function LinksCard({ api, site, from, to, filters }: Props) {
  const [kind, setKind] = useState<LinkKind>('outbound');
  const key = JSON.stringify([site, kind, from, to, filters]);
  const { data, error, loading } = useQuery(key, () =>
    api.conversions.links({ site, from, to, filters, kind, limit: LIMIT }),
  );
  const rows = data ?? [];
  const max = Math.max(1, ...rows.map((r) => r.visitors));
  const current = KINDS.find((k) => k.kind === kind)!;

  return (
    <section
      className="card"
      aria-label={current.label}
      data-testid={`links-${kind}`}
      aria-busy={loading}
    >
      <div className="tabs" role="tablist">
        {KINDS.map((k) => (
          <button
            key={k.kind}
            type="button"
            role="tab"
            aria-selected={k.kind === kind}
            onClick={() => setKind(k.kind)}
          >
            {k.label}
          </button>
        ))}
      </div>
      <ReportBody error={error} empty={rows.length === 0 && !loading}>
        <table className="breakdown">
          <thead>
            <tr>
              <th scope="col">{current.column}</th>
              <th scope="col" className="num">
                Visitors
              </th>
              <th scope="col" className="num">
                Events
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.value}
                style={{ '--share': `${(r.visitors / max) * 100}%` } as CSSProperties}
              >
                <td>
                  <UserText text={r.value} empty="(none)" />
                </td>
                <td className="num">{formatCount(r.visitors)}</td>
                <td className="num">{formatCount(r.events)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ReportBody>
    </section>
  );
}
