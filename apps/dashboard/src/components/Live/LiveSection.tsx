/** Visitors now, freshness, the map and the feed; in realtime mode also live top lists. */
import type { LiveVisitor } from '@sightline/schema/live';
import { useMemo } from 'react';
import type { Dimension } from '../../lib/dimensions.js';
import { matches, type Segment } from '../../lib/segment.js';
import type { LiveState } from '../../lib/live-state.js';
import { LiveMap } from '../Map/LiveMap.js';
import { EventFeed } from './EventFeed.js';
import { Freshness } from './Freshness.js';
import { LiveCount } from './LiveCount.js';
import { LiveTopList } from './LiveTopList.js';

/** How a report filter reads a live visitor; dimensions without a live field do not filter. */
const LIVE_FIELDS: Partial<Record<Dimension, (v: LiveVisitor) => string>> = {
  page: (v) => v.path,
  country: (v) => v.country,
  region: (v) => v.region,
  city: (v) => v.city,
  device: (v) => v.device,
  browser: (v) => v.browser,
  os: (v) => v.os,
};

export function filterLive(
  visitors: ReadonlyMap<string, LiveVisitor>,
  filters: Segment,
): ReadonlyMap<string, LiveVisitor> {
  const checks = filters.flatMap((c) => {
    const read = LIVE_FIELDS[c.dimension];
    return read ? [(v: LiveVisitor) => matches(c, read(v))] : [];
  });
  if (checks.length === 0) return visitors;
  return new Map([...visitors].filter(([, v]) => checks.every((c) => c(v))));
}

interface Props {
  live: LiveState;
  filters: Segment;
  realtime: boolean;
  mapboxToken: string;
}

export function LiveSection({ live, filters, realtime, mapboxToken }: Props) {
  const visitors = useMemo(() => filterLive(live.visitors, filters), [live.visitors, filters]);
  const filtered = visitors !== live.visitors;
  return (
    <>
      <div className="live-strip">
        {/* The exact count comes from the Worker; with a filter only the located subset is known. */}
        <LiveCount count={filtered ? visitors.size : live.visitorsNow} />
        <Freshness lastEventAt={live.lastEventAt} />
        {live.truncated && (
          <span className="live-note" data-testid="live-truncated">
            Map: the {live.visitors.size.toLocaleString()} most recently active
          </span>
        )}
        {live.deadLettered > 0 && (
          <span
            className="live-note warning"
            data-testid="live-dead-lettered"
            title="The database refused these events for their content; the ingest Worker keeps them with the reason (GET /v1/health/sites/<site>)"
          >
            {live.deadLettered.toLocaleString()} events could not be stored
          </span>
        )}
      </div>
      <div className={realtime ? 'live-grid realtime' : 'live-grid'}>
        <LiveMap visitors={visitors} mapboxToken={mapboxToken} />
        <EventFeed events={live.events} />
      </div>
      {realtime && (
        <div className="breakdowns">
          <LiveTopList title="Pages now" visitors={visitors.values()} pick={(v) => v.path} />
          <LiveTopList title="Countries now" visitors={visitors.values()} pick={(v) => v.country} />
          <LiveTopList title="Devices now" visitors={visitors.values()} pick={(v) => v.device} />
          {/* Not channels: live_visitors rows carry no referrer class, so the first paint would lie. */}
          <LiveTopList title="Cities now" visitors={visitors.values()} pick={(v) => v.city} />
        </div>
      )}
    </>
  );
}
