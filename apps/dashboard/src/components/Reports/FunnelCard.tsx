/**
 * A funnel of the site: per step the visitors who reached it (in order, within a session),
 * the drop-off from the step before and the conversion from the first step, in the range and
 * filters. Step labels are page patterns or goal names: rendered through UserText.
 */
import { useState, type CSSProperties } from 'react';
import type { Api, Filters } from '../../lib/api.js';
import { displayText } from '../../lib/display-text.js';
import { formatCount, formatPercent } from '../../lib/format.js';
import { useQuery } from '../../hooks/useQuery.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  api: Api;
  site: string;
  from: Date;
  to: Date;
  filters: Filters;
  /** Bumped when a funnel was added, to read the list again. */
  version: number;
}

export function FunnelCard({ api, site, from, to, filters, version }: Props) {
  const funnels = useQuery(`${site}:${version}`, () => api.conversions.funnels(site));
  const [chosen, setChosen] = useState<number | null>(null);
  const list = funnels.data ?? [];
  const funnel = list.find((f) => f.id === chosen) ?? list[0];
  const key = funnel ? JSON.stringify([site, funnel.id, from, to, filters, version]) : null;
  const steps = useQuery(key, () =>
    api.conversions.funnel({ site, from, to, filters, funnel: funnel!.id }),
  );
  const rows = steps.data ?? [];
  const first = Math.max(1, rows[0]?.visitors ?? 0);

  return (
    <section
      className="card funnel"
      aria-label="Funnel"
      data-testid="funnel"
      aria-busy={steps.loading}
    >
      <h2>Funnel</h2>
      {funnels.error ? (
        <p className="error">Could not load the funnels: {funnels.error.message}</p>
      ) : list.length === 0 ? (
        !funnels.loading && <p className="muted">No funnels yet: add one below.</p>
      ) : (
        <>
          {list.length > 1 && (
            <label className="funnel-pick">
              Funnel{' '}
              <select
                value={funnel?.id}
                onChange={(e) => setChosen(Number(e.target.value))}
                aria-label="Funnel"
              >
                {list.map((f) => (
                  // An <option> holds text only: the name cleaned and cut as UserText does.
                  <option key={f.id} value={f.id}>
                    {displayText(f.name).shown}
                  </option>
                ))}
              </select>
            </label>
          )}
          {list.length === 1 && funnel && (
            <p className="muted">
              <UserText text={funnel.name} />
            </p>
          )}
          {steps.error ? (
            <p className="error">Could not load the funnel: {steps.error.message}</p>
          ) : (
            <ol className="funnel-steps">
              {rows.map((s) => (
                <li
                  key={s.step}
                  data-testid={`funnel-step-${s.step}`}
                  style={{ '--share': `${(s.visitors / first) * 100}%` } as CSSProperties}
                >
                  <span className="funnel-label">
                    {s.step}. <UserText text={s.label} />
                  </span>
                  <span className="funnel-bar" aria-hidden="true" />
                  <span className="num" data-testid="funnel-visitors">
                    {formatCount(s.visitors)} visitors
                  </span>
                  <span className="num muted">
                    {s.step === 1
                      ? '100%'
                      : `${formatPercent(s.conversion_rate)} · −${formatCount(s.dropoff)}`}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
