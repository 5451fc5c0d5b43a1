/**
 * Passes from the ingest Worker: a member's (POST /v1/live-pass) or a share link's
 * (POST /v1/share/pass), each valid for a minute. The live channel joins with one and renews it
 * before it expires (realtime-js asks at every heartbeat); a renewal the Worker refuses means
 * access ended (a removed member, a revoked link) and is reported once, so the screen can say so.
 * Share links also read the site's reports with their pass.
 *
 * Each renewal is also the watch signal: the Worker pushes a site's live messages only while
 * someone watches it, and a pass asked for a site (or a share link's) keeps it watched and comes
 * with each live shard's full snapshot (`watch`), handed to `onWatch` listeners. The live view
 * renews every `renewMs` the Worker names while it is open, so it stays watched.
 */
import { workerCall } from './account-api.js';
import type { ApiError } from './api.js';

export interface Pass {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Renewed once less than this fraction of its lifetime is left. */
const RENEW_AT = 0.5;
/** How often the live view renews when the Worker does not say (it answers 30 s today). */
export const WATCH_RENEW_MS = 30_000;

/** The watch part of a pass answer: each live shard's full message, and when to renew. */
export interface WatchAnswer {
  messages: unknown[];
  renewMs: number;
}

function watchOf(answer: unknown): WatchAnswer | null {
  const watch = (answer as { watch?: { messages?: unknown; renewMs?: unknown } } | null)?.watch;
  if (!watch || !Array.isArray(watch.messages)) return null;
  const renewMs =
    typeof watch.renewMs === 'number' && watch.renewMs >= 1_000 ? watch.renewMs : WATCH_RENEW_MS;
  return { messages: watch.messages as unknown[], renewMs };
}

export class PassKeeper {
  #pass: Pass | null;
  #issuedAt = 0;
  #pending: Promise<Pass> | null = null;
  #ended: ((error: ApiError) => void)[] = [];
  #watchers: ((watch: WatchAnswer) => void)[] = [];
  /** Set once a renewal was refused: access ended. */
  ended: ApiError | null = null;

  constructor(
    private readonly fetchPass: (current: Pass | null) => Promise<Pass>,
    initial: Pass | null = null,
  ) {
    this.#pass = initial;
    this.#issuedAt = initial ? Date.now() : 0;
  }

  /** A pass with at least half its life left, renewed when needed. */
  async current(now = Date.now()): Promise<string> {
    const pass = this.#pass;
    if (pass && now < this.#issuedAt + (pass.expiresAt - this.#issuedAt) * RENEW_AT)
      return pass.token;
    return (await this.renew()).token;
  }

  /** A new pass now (after the site's topic said access changed). Rejects when refused. */
  renew(): Promise<Pass> {
    this.#pending ??= this.fetchPass(this.#pass)
      .then(
        (pass) => {
          this.#pass = pass;
          this.#issuedAt = Date.now();
          const watch = watchOf(pass);
          if (watch) for (const listener of [...this.#watchers]) listener(watch);
          return pass;
        },
        (error: ApiError) => {
          if (error.status === 401 || error.status === 403 || error.status === 410) {
            this.ended ??= error;
            for (const listener of this.#ended.splice(0)) listener(error);
          }
          throw error;
        },
      )
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  /** Called with the snapshot of every renewal that kept the site watched. */
  onWatch(listener: (watch: WatchAnswer) => void): () => void {
    this.#watchers.push(listener);
    return () => {
      this.#watchers = this.#watchers.filter((l) => l !== listener);
    };
  }

  /** Called once if the Worker refuses a pass for good. */
  onEnded(listener: (error: ApiError) => void): () => void {
    if (this.ended) listener(this.ended);
    else this.#ended.push(listener);
    return () => {
      this.#ended = this.#ended.filter((l) => l !== listener);
    };
  }
}

async function mint(
  url: string,
  token: string | undefined,
  body: unknown,
): Promise<Pass & Record<string, unknown>> {
  const res = await workerCall<Pass & Record<string, unknown>>(url, { token, body });
  if (res.error) throw res.error;
  return res.data;
}

/**
 * A member's (or service token's) live passes for one site.
 *
 * @example
 * const passes = livePasses(config.ingestUrl, () => session.access_token, 'shop');
 */
export function livePasses(
  ingestUrl: string,
  identity: () => Promise<string>,
  site: string,
): PassKeeper {
  return new PassKeeper(async () => mint(`${ingestUrl}/v1/live-pass`, await identity(), { site }));
}

export interface SharePass extends Pass {
  site: string;
  hidden: string[];
}

/** Opens a share link (its secret and password); the keeper renews with the pass itself. */
export async function openShareLink(
  ingestUrl: string,
  secret: string,
  password: string,
): Promise<{ pass: SharePass; keeper: PassKeeper }> {
  const url = `${ingestUrl}/v1/share/pass`;
  const pass = (await mint(url, undefined, {
    token: secret,
    ...(password ? { password } : {}),
  })) as unknown as SharePass;
  const keeper = new PassKeeper(async (current) => mint(url, current?.token, {}), pass);
  return { pass, keeper };
}
