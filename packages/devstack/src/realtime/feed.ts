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

/**
 * Turns NOTIFYs into deliveries, strictly in commit order: row changes (fetching parked
 * oversize ones), `realtime.send()` broadcasts, and DDL that invalidates the table cache.
 */
export async function startFeed({
  listener,
  client,
  hub,
  catalog,
  log,
}: FeedOptions): Promise<void> {
  const dispatcher = new ChangeDispatcher(client, catalog, log);
  let queue = Promise.resolve();

  const handle = async (channel: string, payload: string): Promise<void> => {
    if (channel === DDL_CHANNEL) {
      catalog.invalidate();
      return;
    }
    if (channel === BROADCAST_CHANNEL) {
      const message = JSON.parse(payload) as {
        topic: string;
        event: string;
        payload: unknown;
        private: boolean;
      };
      hub.broadcast(`realtime:${message.topic}`, message.private === true, message.event, {
        json: message.payload,
      });
      return;
    }
    let change = JSON.parse(payload) as CapturedChange | { x: number };
    if ('x' in change) {
      const { rows } = await client.query<{ payload: CapturedChange }>(
        'delete from sightline_realtime.overflow where id = $1 returning payload',
        [change.x],
      );
      if (!rows[0]) return;
      change = rows[0].payload;
    }
    await dispatcher.dispatch(change, hub.changeSubscribers());
  };

  listener.on('notification', ({ channel, payload }) => {
    queue = queue
      .then(() => handle(channel, payload ?? ''))
      .catch((error: unknown) =>
        log(
          `realtime: dropped a notification: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  });
  await listener.query(
    `listen ${CHANGES_CHANNEL}; listen ${DDL_CHANNEL}; listen ${BROADCAST_CHANNEL}`,
  );
}
