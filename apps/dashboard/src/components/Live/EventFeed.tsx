/** The newest events first, as the Worker accepted them. */
import type { LiveFeedEvent } from '@sightline/schema/live';
import { UserText } from '../Text/UserText.js';

const time = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The event's type as a label (page views need none), then its path or name as text. */
function Describe({ e }: { e: LiveFeedEvent }) {
  if (e.type === 'pageview') return <UserText text={e.path} />;
  return (
    <>
      {e.name ? `${e.type}: ` : `${e.type} `}
      <UserText text={e.name || e.path} />
    </>
  );
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
              <span className="what">
                <Describe e={e} />
              </span>
              <span className="where">
                <UserText text={[e.city, e.country].filter(Boolean).join(', ')} max={60} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
