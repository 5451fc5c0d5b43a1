/** Top values among the visitors on the site now (realtime view), computed from live state. */
import type { LiveVisitor } from '@sightline/schema/live';
import { UserText } from '../Text/UserText.js';

interface Props {
  title: string;
  visitors: Iterable<LiveVisitor>;
  pick: (v: LiveVisitor) => string;
  limit?: number;
}

export function LiveTopList({ title, visitors, pick, limit = 8 }: Props) {
  const counts = new Map<string, number>();
  for (const v of visitors) counts.set(pick(v), (counts.get(pick(v)) ?? 0) + 1);
  const rows = [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit);
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">Nobody here right now.</p>
      ) : (
        <table className="breakdown">
          <tbody>
            {rows.map(([value, n]) => (
              <tr key={value}>
                <td>
                  <UserText text={value} empty="(unknown)" />
                </td>
                <td className="num">{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
