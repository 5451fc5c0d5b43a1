/**
 * "Waiting for the first event": joins the new site's live topic (a member's pass) and turns
 * green as soon as the ingest Worker broadcasts a visitor or an event for it, pushed, not polled.
 */
import type { Api } from '../../lib/api.js';
import type { DashboardConfig } from '../../lib/config.js';
import type { PassKeeper } from '../../lib/passes.js';
import { useLive } from '../../hooks/useLive.js';

interface Props {
  api: Api;
  config: DashboardConfig;
  passes: PassKeeper;
  site: string;
}

export function FirstEvent({ api, config, passes, site }: Props) {
  const live = useLive(api, config.supabaseUrl, config.publishableKey, passes, site);
  const arrived = live.state.lastEventAt !== null || live.state.visitorsNow > 0;
  return (
    <p
      className={arrived ? 'first-event arrived' : 'first-event'}
      data-testid="first-event"
      data-state={arrived ? 'arrived' : live.connection === 'live' ? 'waiting' : 'connecting'}
      role="status"
    >
      <span className="dot" aria-hidden="true" />
      {arrived
        ? 'Receiving events: the first one has arrived.'
        : live.connection === 'live'
          ? 'Waiting for the first event… open a page that has the tracker.'
          : 'Connecting to the live view…'}
    </p>
  );
}
