/** The spike-alert decision (durable-objects/spike-alert.ts) and the webhook's JSON. */
import { describe, expect, it } from 'vitest';
import {
  shardThreshold,
  shouldAlert,
  type SpikeAlertConfig,
} from '../src/durable-objects/spike-alert.js';
import { webhookBody } from '../src/lib/spike-alert-delivery.js';

const config: SpikeAlertConfig = {
  enabled: true,
  visitors_threshold: 100,
  quiet_minutes: 60,
  emails: [],
  webhook_url: 'https://hooks.example.com/x',
};
const NOW = 1_800_000_000_000;

describe('the spike-alert decision', () => {
  it('alerts at the threshold, not below it', () => {
    expect(shouldAlert(config, 99, 1, null, NOW)).toBe(false);
    expect(shouldAlert(config, 100, 1, null, NOW)).toBe(true);
  });

  it('stays quiet until the quiet period ends', () => {
    expect(shouldAlert(config, 500, 1, NOW + 1, NOW)).toBe(false);
    expect(shouldAlert(config, 500, 1, NOW, NOW)).toBe(true);
  });

  it('never alerts when disabled, unset or with nowhere to send', () => {
    expect(shouldAlert({ ...config, enabled: false }, 500, 1, null, NOW)).toBe(false);
    expect(shouldAlert(null, 500, 1, null, NOW)).toBe(false);
    expect(shouldAlert({ ...config, webhook_url: null }, 500, 1, null, NOW)).toBe(false);
  });

  it('a live shard compares its share of the visitors with its share of the threshold', () => {
    expect(shardThreshold(100, 8)).toBe(13);
    expect(shardThreshold(3, 8)).toBe(1);
    expect(shouldAlert(config, 13, 8, null, NOW)).toBe(true);
    expect(shouldAlert(config, 12, 8, null, NOW)).toBe(false);
  });

  it("posts Slack-compatible JSON, escaping the site name for Slack's markup", () => {
    const body = webhookBody(
      { site: 'shop', siteName: 'A <b> & co', visitorsNow: 120, threshold: 100, at: NOW },
      'https://dash.example.com/?site=shop',
    );
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain('*A &lt;b&gt; &amp; co*: 120 visitors now (alert threshold 100)');
    expect(body.text).toContain('<https://dash.example.com/?site=shop|Open the live view>');
  });
});
