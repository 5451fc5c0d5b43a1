/**
 * The newest events first, as the Worker accepted them: page views, custom events, outbound
 * clicks and downloads (the Worker leaves heartbeats and vitals out), with the goals an event
 * completes and a custom event's revenue.
 */
import type { LiveFeedEvent } from '@sightline/schema/live';
import { formatRevenue } from '../Reports/revenue.js';
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
                {e.goals && e.goals.length > 0 && (
                  <span className="feed-goal" data-testid="feed-goal">
                    {' · goal: '}
                    <UserText text={e.goals.join(', ')} max={80} />
                  </span>
                )}
                {e.revenue && (
                  <span className="feed-revenue">
                    {' · '}
                    {formatRevenue({ [e.revenue.currency]: e.revenue.amount })}
                  </span>
                )}
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
