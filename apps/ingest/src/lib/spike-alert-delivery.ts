/**
 * Sends a spike alert: an e-mail to the site's alert addresses (the e-mail API of
 * email-api.ts) and a Slack-compatible webhook post (`{ "text": … }`, which Slack, Mattermost,
 * Discord's `/slack` endpoint and most chat tools accept). Failures are logged, never thrown:
 * the caller only needs to know whether anyone was reached.
 */
import type { SpikeAlert, SpikeAlertConfig, SpikeEnv } from '../durable-objects/spike-alert.js';
import { mailConfigured, sendMail } from './email-api.js';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Slack's mrkdwn reserves &, < and > (links are `<url|label>`). */
const slackEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function alertLink(env: SpikeEnv, site: string): string | undefined {
  return env.DASHBOARD_URL
    ? `${env.DASHBOARD_URL.replace(/\/+$/, '')}/?site=${encodeURIComponent(site)}`
    : undefined;
}

/** The webhook body. */
export function webhookBody(alert: SpikeAlert, link?: string): { text: string } {
  const name = slackEscape(alert.siteName || alert.site);
  const text = `:chart_with_upwards_trend: Traffic spike on *${name}*: ${alert.visitorsNow} visitors now (${slackEscape(alert.reason)}).`;
  return { text: link ? `${text} <${link}|Open the live view>` : text };
}

/** How many channels (e-mail, webhook) took the alert. */
export async function deliverSpikeAlert(
  env: SpikeEnv,
  config: SpikeAlertConfig,
  alert: SpikeAlert,
): Promise<number> {
  const link = alertLink(env, alert.site);
  const name = alert.siteName || alert.site;
  const when = new Date(alert.at).toISOString().slice(0, 19).replace('T', ' ');
  const sends: Promise<unknown>[] = [];
  if (config.webhook_url)
    sends.push(
      fetch(config.webhook_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookBody(alert, link)),
        signal: AbortSignal.timeout(10_000),
      }).then(async (res) => {
        await res.body?.cancel();
        if (!res.ok) throw new Error(`webhook answered ${res.status}`);
      }),
    );
  if (config.emails.length > 0 && mailConfigured(env)) {
    const line = `${alert.visitorsNow} visitors are on ${name} now (${alert.reason}), at ${when} UTC.`;
    sends.push(
      sendMail(env, {
        to: config.emails,
        subject: `Traffic spike on ${name}: ${alert.visitorsNow} visitors now`,
        text: `${line}${link ? `\n\nOpen the live view: ${link}` : ''}\n\nYou receive this as an alert address of ${name}; the site's owners and admins change its alert settings.`,
        html: `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;color:#1d1d1f">
<p style="margin:0 0 12px;font-size:20px;font-weight:600">Traffic spike on ${escape(name)}</p>
<p style="margin:0 0 12px">${escape(line)}</p>
${link ? `<p style="margin:0 0 12px"><a href="${escape(link)}" style="color:#0b5cad">Open the live view</a></p>` : ''}
<p style="margin:24px 0 0;font-size:12px;color:#6e6e73">You receive this as an alert address of ${escape(name)}; the site's owners and admins change its alert settings.</p></body></html>`,
        idempotencyKey: `spike/${alert.site}/${alert.at}`,
      }),
    );
  }
  const results = await Promise.allSettled(sends);
  for (const r of results)
    if (r.status === 'rejected')
      console.warn(`spike alert for ${alert.site} not delivered: ${String(r.reason)}`);
  return results.filter((r) => r.status === 'fulfilled').length;
}
