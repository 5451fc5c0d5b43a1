import { EventEmitter } from 'node:events';
import type pg from 'pg';

/** One e-mail as the inbox keeps it; every sender (Auth, the e-mail API) produces this shape. */
export interface InboxMessage {
  id: string;
  /** Increases with every message: a cursor for `after=`. */
  seq: number;
  created_at: string;
  /** Who handed it in: `auth` or `email-api`. */
  sender: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  reply_to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
}

export type NewMessage = Omit<InboxMessage, 'id' | 'seq' | 'created_at'>;

export interface MessageQuery {
  /** Only messages with this address in to, cc or bcc (case-insensitive). */
  to?: string;
  /** Only messages after this `seq`. */
  after?: number;
  limit?: number;
}

/** Postgres keeps the mail, so it survives restarts and Auth can write it in its own transaction. */
export const INBOX_SQL = String.raw`
create schema if not exists sightline_inbox;
revoke all on schema sightline_inbox from public;
create table if not exists sightline_inbox.messages (
  id uuid primary key default gen_random_uuid(),
  seq bigserial not null unique,
  created_at timestamptz not null default now(),
  sender text not null,
  "from" text not null,
  "to" text[] not null,
  cc text[] not null default '{}',
  bcc text[] not null default '{}',
  reply_to text[] not null default '{}',
  subject text not null,
  html text,
  text text,
  headers jsonb not null default '{}',
  tags jsonb not null default '[]'
);
`;

const COLUMNS = `id, seq::int as seq, created_at, sender, "from", "to", cc, bcc, reply_to, subject, html, text, headers, tags`;

interface Row extends Omit<InboxMessage, 'created_at'> {
  created_at: Date;
}

function toMessage(row: Row): InboxMessage {
  return { ...row, created_at: row.created_at.toISOString() };
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** The local inbox: stores messages, lists them, and wakes pollers when one arrives. */
export class Inbox {
  private readonly arrivals = new EventEmitter();

  constructor(private readonly db: pg.Pool) {
    this.arrivals.setMaxListeners(0);
  }

  /**
   * Stores a message through `db` (a transaction's client when the caller has one); call
   * `announce()` once that transaction has committed.
   */
  async store(message: NewMessage, db: Queryable = this.db): Promise<InboxMessage> {
    const { rows } = await db.query<Row>(
      `insert into sightline_inbox.messages (sender, "from", "to", cc, bcc, reply_to, subject, html, text, headers, tags)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning ${COLUMNS}`,
      [
        message.sender,
        message.from,
        message.to,
        message.cc,
        message.bcc,
        message.reply_to,
        message.subject,
        message.html,
        message.text,
        JSON.stringify(message.headers),
        JSON.stringify(message.tags),
      ],
    );
    return toMessage(rows[0]!);
  }

  announce(): void {
    this.arrivals.emit('message');
  }

  async list(query: MessageQuery = {}): Promise<InboxMessage[]> {
    const { rows } = await this.db.query<Row>(
      `select ${COLUMNS} from sightline_inbox.messages
       where ($1::text is null or lower($1) = any (select lower(a) from unnest("to" || cc || bcc) a))
         and seq > $2
       order by seq limit $3`,
      [query.to ?? null, query.after ?? 0, query.limit ?? 100],
    );
    return rows.map(toMessage);
  }

  /** Lists the newest messages first, for the page. */
  async latest(limit: number): Promise<InboxMessage[]> {
    const { rows } = await this.db.query<Row>(
      `select ${COLUMNS} from sightline_inbox.messages order by seq desc limit $1`,
      [limit],
    );
    return rows.map(toMessage);
  }

  async get(id: string): Promise<InboxMessage | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.db.query<Row>(
      `select ${COLUMNS} from sightline_inbox.messages where id = $1`,
      [id],
    );
    return rows[0] && toMessage(rows[0]);
  }

  async clear(): Promise<number> {
    const { rowCount } = await this.db.query('delete from sightline_inbox.messages');
    return rowCount ?? 0;
  }

  /** Like `list`, but waits up to `waitMs` for a first match when there is none yet. */
  async poll(query: MessageQuery, waitMs: number): Promise<InboxMessage[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      // Listen before querying, so a message stored in between still wakes this poll.
      const arrival = this.nextArrival(deadline - Date.now());
      try {
        const found = await this.list(query);
        if (found.length > 0 || Date.now() >= deadline) return found;
        await arrival.promise;
      } finally {
        arrival.cancel();
      }
    }
  }

  private nextArrival(timeoutMs: number): { promise: Promise<void>; cancel(): void } {
    let cancel = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.arrivals.off('message', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.arrivals.on('message', done);
      cancel = done;
    });
    return { promise, cancel };
  }
}
