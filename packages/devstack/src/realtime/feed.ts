import type pg from 'pg';
import { ChangeDispatcher, type CapturedChange } from './changes.js';
import type { Hub } from './hub.js';
import { BROADCAST_CHANNEL, CHANGES_CHANNEL, DDL_CHANNEL } from './sql.js';
import type { TableCatalog } from './tables.js';

export interface FeedOptions {
  listener: pg.Client;
  client: pg.Client;
  hub: Hub;
  catalog: TableCatalog;
  log: (line: string) => void;
}

interface Notice {
  channel: string;
  payload: string;
}

/** Changes authorised per round trip at most; a burst is drained in slices of this size. */
const BATCH = 500;

/**
 * Turns NOTIFYs into deliveries, strictly in commit order: row changes (fetching parked
 * oversize ones), `realtime.send()` broadcasts, and DDL that invalidates the table cache.
 * Row changes that queued up meanwhile are authorised together, so a burst costs one round
 * trip per slice rather than one per row.
 */
export async function startFeed({
  listener,
  client,
  hub,
  catalog,
  log,
}: FeedOptions): Promise<void> {
  const dispatcher = new ChangeDispatcher(client, catalog, log);
  const pending: Notice[] = [];
  let draining = false;

  const parseChange = async (payload: string): Promise<CapturedChange | undefined> => {
    const change = JSON.parse(payload) as CapturedChange | { x: number };
    if (!('x' in change)) return change;
    const { rows } = await client.query<{ payload: CapturedChange }>(
      'delete from sightline_realtime.overflow where id = $1 returning payload',
      [change.x],
    );
    return rows[0]?.payload;
  };

  const handleOther = (notice: Notice): void => {
    if (notice.channel === DDL_CHANNEL) {
      catalog.invalidate();
    } else if (notice.channel === BROADCAST_CHANNEL) {
      const message = JSON.parse(notice.payload) as {
        topic: string;
        event: string;
        payload: unknown;
        private: boolean;
      };
      hub.broadcast(`realtime:${message.topic}`, message.private === true, message.event, {
        json: message.payload,
      });
    }
  };

  const drainSlice = async (slice: Notice[]): Promise<void> => {
    let changes: CapturedChange[] = [];
    for (const notice of slice) {
      if (notice.channel === CHANGES_CHANNEL) {
        const change = await parseChange(notice.payload);
        if (change) changes.push(change);
        continue;
      }
      // Keep order: deliver the changes before this notice first.
      if (changes.length > 0) await dispatcher.dispatch(changes, hub.changeSubscribers());
      changes = [];
      handleOther(notice);
    }
    if (changes.length > 0) await dispatcher.dispatch(changes, hub.changeSubscribers());
  };

  const drain = async (): Promise<void> => {
    while (pending.length > 0) {
      try {
        await drainSlice(pending.splice(0, BATCH));
      } catch (error) {
        log(
          `realtime: dropped notifications: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    draining = false;
  };

  listener.on('notification', ({ channel, payload }) => {
    pending.push({ channel, payload: payload ?? '' });
    if (draining) return;
    draining = true;
    // Let the rest of this socket read's notifications queue up before the first slice.
    setImmediate(() => void drain());
  });
  // Parked changes nobody fetched (the server was down when they were made) are of no use now.
  await client.query(
    `delete from sightline_realtime.overflow where created_at < now() - interval '10 minutes'`,
  );
  await listener.query(
    `listen ${CHANGES_CHANNEL}; listen ${DDL_CHANNEL}; listen ${BROADCAST_CHANNEL}`,
  );
}
