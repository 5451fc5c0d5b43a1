/**
 * Spike alerts, decided where visitors-now is exact: in the site's SiteLive object. When the
 * count reaches the site's threshold, or a multiple of the usual level for this hour
 * (usual-level.ts, learnt by the object), the object e-mails the listed addresses and posts to
 * the webhook (public.spike_alerts, delivered with the site config), then stays quiet for the
 * quiet period (kept in storage, so a restart does not alert again). A delivery that reached
 * nobody is retried a minute later instead.
 */
import { deliverSpikeAlert } from '../lib/spike-alert-delivery.js';
import type { MailEnv } from '../lib/email-api.js';
import { emptyUsualLevel, observe, usualAt, type UsualLevel } from './usual-level.js';

/** A site's alert as the site config carries it (the `spike_alerts` row). */
export interface SpikeAlertConfig {
  enabled: boolean;
  /** Alert at this many visitors now; null: only on a multiple of the usual level. */
  visitors_threshold: number | null;
  /** Alert at this multiple of the usual visitors-now for the hour; null or absent: never. */
  usual_multiple?: number | null;
  quiet_minutes: number;
  emails: string[];
  webhook_url: string | null;
}

/** What SiteLive is handed with each ingest call: the alert and the site's name. */
export type SpikeAlertCall = SpikeAlertConfig & { siteName: string };

export interface SpikeAlert {
  site: string;
  siteName: string;
  visitorsNow: number;
  /** Why, for people: `alert threshold 200` or `3.1× the usual 40 for this hour`. */
  reason: string;
  at: number;
}

/** After a delivery that reached nobody, try again this much later (not on every beacon). */
export const FAILED_RETRY_MS = 60_000;
/** A multiple of a tiny usual level is noise: a multiple alert needs at least this many. */
export const MIN_SPIKE_VISITORS = 10;
const QUIET_KEY = 'spike-alert:quiet-until';
const USUAL_KEY = 'spike-alert:usual';
/** The learnt level is written to storage at most this often (a restart loses less). */
const SAVE_USUAL_EVERY_MS = 10 * 60_000;

/**
 * The threshold one live shard compares its own count with: visitors are spread over the
 * shards by a hash of their id, so each holds about 1/n of them.
 */
export function shardThreshold(threshold: number, shards: number): number {
  return Math.max(1, Math.ceil(threshold / Math.max(1, shards)));
}

/**
 * Why to alert now, or null. `usual` is the usual visitors-now for this hour (null: not known
 * yet).
 *
 * @example
 * spikeReason(config, 120, 1, null, Date.now(), null); // 'alert threshold 100' when it is 100
 */
export function spikeReason(
  config: SpikeAlertConfig | null | undefined,
  visitorsNow: number,
  shards: number,
  quietUntil: number | null,
  now: number,
  usual: number | null,
): string | null {
  if (!config?.enabled) return null;
  if (config.emails.length === 0 && !config.webhook_url) return null;
  if (quietUntil !== null && now < quietUntil) return null;
  const threshold = config.visitors_threshold;
  if (threshold != null && visitorsNow >= shardThreshold(threshold, shards))
    return `alert threshold ${threshold}`;
  const multiple = config.usual_multiple;
  if (multiple != null && usual !== null) {
    const floor = shardThreshold(MIN_SPIKE_VISITORS, shards);
    if (visitorsNow >= Math.max(floor, multiple * usual)) {
      const ratio = usual > 0 ? `${(visitorsNow / usual).toFixed(1)}×` : 'many times';
      return `${ratio} the usual ${usual.toFixed(usual < 10 ? 1 : 0)} for this hour`;
    }
  }
  return null;
}

export type SpikeEnv = MailEnv & { DASHBOARD_URL?: string };

/** One object's alert state: when it may alert again, and the usual level it learns. */
export class SpikeAlerts {
  /** undefined: not read from storage yet. */
  #quietUntil: number | null | undefined;
  #usual: UsualLevel | undefined;
  #usualSavedAt = 0;
  #loading: Promise<void> | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: SpikeEnv,
  ) {}

  /**
   * Called after each ingest with the object's count: a promise for waitUntil (an alert, or
   * storage work of the usual level), or null when there is none (no I/O on the beacon path).
   */
  check(
    config: SpikeAlertCall | null | undefined,
    site: string,
    visitorsNow: number,
    shard: { shards: number },
    now: number,
  ): Promise<void> | null {
    if (!config?.enabled) return null;
    // The level before this sample decides (a spike does not raise its own bar first).
    const usual = this.#usual ? usualAt(this.#usual, now) : null;
    const learning = config.usual_multiple != null ? this.#learn(visitorsNow, now) : null;
    const quiet = this.#quietUntil ?? null;
    const reason = spikeReason(config, visitorsNow, shard.shards, quiet, now, usual);
    if (!reason) return learning;
    const alert = { site, siteName: config.siteName, visitorsNow, reason, at: now };
    // One check at a time: two calls in a burst must not both send.
    this.#running ??= this.#run(config, alert).finally(() => {
      this.#running = null;
    });
    return learning ? Promise.all([learning, this.#running]).then(() => undefined) : this.#running;
  }

  /** Adds the sample; a promise when storage is read (first call) or written (every 10 min). */
  #learn(visitorsNow: number, now: number): Promise<void> | null {
    if (!this.#usual) {
      this.#loading ??= this.storage
        .get<UsualLevel>(USUAL_KEY)
        .then((stored) => {
          this.#usual ??= stored ?? emptyUsualLevel();
        })
        .finally(() => {
          this.#loading = null;
        });
      return this.#loading;
    }
    if (!observe(this.#usual, visitorsNow, now)) return null;
    if (now - this.#usualSavedAt < SAVE_USUAL_EVERY_MS) return null;
    this.#usualSavedAt = now;
    return this.storage.put(USUAL_KEY, this.#usual);
  }

  async #run(config: SpikeAlertConfig, alert: SpikeAlert): Promise<void> {
    this.#quietUntil ??= (await this.storage.get<number>(QUIET_KEY)) ?? null;
    if (this.#quietUntil !== null && alert.at < this.#quietUntil) return;
    await this.#quiet(alert.at + config.quiet_minutes * 60_000);
    const delivered = await deliverSpikeAlert(this.env, config, alert);
    if (delivered === 0) await this.#quiet(alert.at + FAILED_RETRY_MS);
  }

  async #quiet(until: number): Promise<void> {
    this.#quietUntil = until;
    await this.storage.put(QUIET_KEY, until);
  }
}
