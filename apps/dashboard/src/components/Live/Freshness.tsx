/** "Last event 0.4 s ago", from the newest event's time; re-renders on its own small timer. */
import { useNow } from '../../hooks/useNow.js';
import { formatAge } from '../../lib/format.js';

export function Freshness({ lastEventAt }: { lastEventAt: number | null }) {
  const now = useNow(200);
  return (
    <span className="freshness" data-testid="freshness">
      {lastEventAt === null ? 'No events yet' : `Last event ${formatAge(now - lastEventAt)}`}
    </span>
  );
}
