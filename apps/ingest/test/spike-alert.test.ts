/** The spike-alert decision (durable-objects/spike-alert.ts), the usual level and the webhook's JSON. */
import { describe, expect, it } from 'vitest';
import {
  MIN_SPIKE_VISITORS,
  shardThreshold,
  spikeReason,
  type SpikeAlertConfig,
} from '../src/durable-objects/spike-alert.js';
import {
  emptyUsualLevel,
  MIN_SAMPLES,
  observe,
  usualAt,
} from '../src/durable-objects/usual-level.js';
import { webhookBody } from '../src/lib/spike-alert-delivery.js';

const config: SpikeAlertConfig = {
  enabled: true,
  visitors_threshold: 100,
  quiet_minutes: 60,
  emails: [],
  webhook_url: 'https://hooks.example.com/x',
};
/** 2027-01-15 12:00 UTC: a whole hour. */
const NOW = Date.parse('2027-01-15T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

describe('the spike-alert decision', () => {
  it('alerts at the threshold, not below it', () => {
    expect(spikeReason(config, 99, 1, null, NOW, null)).toBeNull();
    expect(spikeReason(config, 100, 1, null, NOW, null)).toBe('alert threshold 100');
  });

  it('stays quiet until the quiet period ends', () => {
    expect(spikeReason(config, 500, 1, NOW + 1, NOW, null)).toBeNull();
    expect(spikeReason(config, 500, 1, NOW, NOW, null)).not.toBeNull();
  });

  it('never alerts when disabled, unset or with nowhere to send', () => {
    expect(spikeReason({ ...config, enabled: false }, 500, 1, null, NOW, null)).toBeNull();
    expect(spikeReason(null, 500, 1, null, NOW, null)).toBeNull();
    expect(spikeReason({ ...config, webhook_url: null }, 500, 1, null, NOW, null)).toBeNull();
  });

  it('a live shard compares its share of the visitors with its share of the threshold', () => {
    expect(shardThreshold(100, 8)).toBe(13);
    expect(shardThreshold(3, 8)).toBe(1);
    expect(spikeReason(config, 13, 8, null, NOW, null)).not.toBeNull();
    expect(spikeReason(config, 12, 8, null, NOW, null)).toBeNull();
  });

  it('alerts on a multiple of the usual level once it is known, and not on tiny numbers', () => {
    const multiple = { ...config, visitors_threshold: null, usual_multiple: 3 };
    expect(spikeReason(multiple, 500, 1, null, NOW, null)).toBeNull();
    expect(spikeReason(multiple, 59, 1, null, NOW, 20)).toBeNull();
    expect(spikeReason(multiple, 60, 1, null, NOW, 20)).toBe('3.0× the usual 20 for this hour');
    // Three times 1 visitor is no spike.
    expect(spikeReason(multiple, 3, 1, null, NOW, 1)).toBeNull();
    expect(spikeReason(multiple, MIN_SPIKE_VISITORS, 1, null, NOW, 1)).toBe(
      '10.0× the usual 1.0 for this hour',
    );
  });

  it("posts Slack-compatible JSON, escaping the site name for Slack's markup", () => {
    const body = webhookBody(
      {
        site: 'shop',
        siteName: 'A <b> & co',
        visitorsNow: 120,
        reason: 'alert threshold 100',
        at: NOW,
      },
      'https://dash.example.com/?site=shop',
    );
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain('*A &lt;b&gt; &amp; co*: 120 visitors now (alert threshold 100)');
    expect(body.text).toContain('<https://dash.example.com/?site=shop|Open the live view>');
  });
});

describe('the usual level', () => {
  it('learns the mean per hour from one sample a minute, counting silent minutes as 0', () => {
    const level = emptyUsualLevel();
    // Four days: at 12:00–12:59 UTC, a call every minute with 20 visitors on the even minutes;
    // the odd minutes have no call at all (nobody there).
    for (let d = 4; d >= 1; d--)
      for (let m = 0; m < 60; m += 2) observe(level, 20, NOW - d * DAY + m * MINUTE);
    expect(usualAt(level, NOW)).toBeCloseTo(10, 0);
    // Other hours were silent: learnt as 0, and known once they have enough samples.
    expect(usualAt(level, NOW - 6 * 3_600_000)).toBe(0);
  });

  it('takes at most one sample a minute, and needs three days of an hour to know it', () => {
    const level = emptyUsualLevel();
    expect(observe(level, 5, NOW)).toBe(true);
    expect(observe(level, 500, NOW + 30_000)).toBe(false);
    expect(level.mean[12]).toBe(5);
    // Hour 12 on three days, minute by minute: known at its 180th sample, not before.
    const fresh = emptyUsualLevel();
    const samples: number[] = [];
    for (let d = 0; d < 3; d++)
      for (let m = 0; m < 60; m++) samples.push(NOW + d * DAY + m * MINUTE);
    expect(samples).toHaveLength(MIN_SAMPLES);
    for (const at of samples.slice(0, -1)) observe(fresh, 8, at);
    expect(usualAt(fresh, NOW)).toBeNull();
    observe(fresh, 8, samples.at(-1)!);
    expect(usualAt(fresh, NOW)).toBe(8);
  });
});
