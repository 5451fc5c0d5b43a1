/**
 * Spike alerts, decided where visitors-now is exact: in the site's SiteLive object. When the
 * count reaches the site's threshold (public.spike_alerts, delivered with the site config), the
 * object e-mails the listed addresses and posts to the webhook, then stays quiet for the quiet
 * period (kept in storage, so a restart does not alert again). A delivery that reached nobody is
 * retried a minute later instead.
 */
import { deliverSpikeAlert } from '../lib/spike-alert-delivery.js';
import type { MailEnv } from '../lib/email-api.js';

/** A site's alert as the site config carries it (the `spike_alerts` row and the site's name). */
export interface SpikeAlertConfig {
  enabled: boolean;
  visitors_threshold: number;
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
  threshold: number;
  at: number;
}

/** After a delivery that reached nobody, try again this much later (not on every beacon). */
export const FAILED_RETRY_MS = 60_000;
const STORAGE_KEY = 'spike-alert:quiet-until';

/**
 * The threshold one live shard compares its own count with: visitors are spread over the
 * shards by a hash of their id, so each holds about 1/n of them.
 */
export function shardThreshold(threshold: number, shards: number): number {
  return Math.max(1, Math.ceil(threshold / Math.max(1, shards)));
}

/**
 * Whether to alert now.
 *
 * @example
 * shouldAlert(config, 120, 1, null, Date.now()); // true when the threshold is ≤ 120
 */
export function shouldAlert(
  config: SpikeAlertConfig | null | undefined,
  visitorsNow: number,
  shards: number,
  quietUntil: number | null,
  now: number,
): boolean {
  if (!config?.enabled) return false;
  if (config.emails.length === 0 && !config.webhook_url) return false;
  if (visitorsNow < shardThreshold(config.visitors_threshold, shards)) return false;
  return quietUntil === null || now >= quietUntil;
}

export type SpikeEnv = MailEnv & { DASHBOARD_URL?: string };

/** One object's alert state: when it may alert again. */
export class SpikeAlerts {
  /** undefined: not read from storage yet. */
  #quietUntil: number | null | undefined;
  #running: Promise<void> | null = null;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: SpikeEnv,
  ) {}

  /**
   * Called after each ingest with the object's count: the promise of a check that may alert
   * (for waitUntil), or null when nothing can be due (no I/O on the beacon path).
   */
  check(
    config: SpikeAlertCall | null | undefined,
    site: string,
    visitorsNow: number,
    shard: { shards: number },
    now: number,
  ): Promise<void> | null {
    const known = this.#quietUntil === undefined ? null : this.#quietUntil;
    if (!config || !shouldAlert(config, visitorsNow, shard.shards, known, now)) return null;
    const alert = { site, siteName: config.siteName, visitorsNow, at: now };
    // One check at a time: two calls in a burst must not both send.
    this.#running ??= this.#run(config, alert, shard.shards).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #run(
    config: SpikeAlertConfig,
    alert: Omit<SpikeAlert, 'threshold'>,
    shards: number,
  ): Promise<void> {
    this.#quietUntil ??= (await this.storage.get<number>(STORAGE_KEY)) ?? null;
    if (!shouldAlert(config, alert.visitorsNow, shards, this.#quietUntil, alert.at)) return;
    await this.#quiet(alert.at + config.quiet_minutes * 60_000);
    const delivered = await deliverSpikeAlert(this.env, config, {
      ...alert,
      threshold: config.visitors_threshold,
    });
    if (delivered === 0) await this.#quiet(alert.at + FAILED_RETRY_MS);
  }

  async #quiet(until: number): Promise<void> {
    this.#quietUntil = until;
    await this.storage.put(STORAGE_KEY, until);
  }
}
