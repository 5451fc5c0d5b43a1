/** The newest events first, as the Worker accepted them. */
import type { LiveFeedEvent } from '@sightline/schema/live';

const time = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function describe(e: LiveFeedEvent): string {
  if (e.type === 'pageview') return e.path;
  return e.name ? `${e.type}: ${e.name}` : `${e.type} ${e.path}`;
}

export function EventFeed({ events }: { events: readonly LiveFeedEvent[] }) {
  return (
    <section className="card feed" aria-label="Live events">
      <h2>Live events</h2>
      {events.length === 0 ? (
        <p className="muted">Waiting for events…</p>
      ) : (
        <ol data-testid="event-feed">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={new Date(e.at).toISOString()}>{time.format(e.at)}</time>
              <span className="what">{describe(e)}</span>
              <span className="where">{[e.city, e.country].filter(Boolean).join(', ')}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
