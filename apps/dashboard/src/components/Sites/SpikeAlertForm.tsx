/**
 * A site's spike alert (owners and admins): e-mail and a Slack-compatible webhook when the
 * number of visitors now reaches a threshold or a multiple of the usual level for the hour,
 * at most once per quiet period. The database checks the values; its refusals are shown.
 */
import { useState, type FormEvent } from 'react';
import { useLoad } from '../../hooks/useLoad.js';
import type { AccountApi, SpikeAlertSettings } from '../../lib/account-api.js';
import type { ApiResult } from '../../lib/api.js';
import { UserText } from '../Text/UserText.js';

interface Props {
  account: AccountApi;
  site: string;
}

interface Draft {
  enabled: boolean;
  threshold: string;
  multiple: string;
  quiet: string;
  emails: string;
  webhook: string;
}

const toDraft = (s: SpikeAlertSettings | null): Draft => ({
  enabled: s?.enabled ?? true,
  threshold: s?.visitors_threshold?.toString() ?? '',
  multiple: s?.usual_multiple?.toString() ?? '',
  quiet: String(s?.quiet_minutes ?? 60),
  emails: (s?.emails ?? []).join(', '),
  webhook: s?.webhook_url ?? '',
});

const number = (text: string): number | null => (text.trim() === '' ? null : Number(text));

/** The form's values as the table takes them, or a message saying what is missing. */
export function fromDraft(d: Draft): SpikeAlertSettings | string {
  const settings: SpikeAlertSettings = {
    enabled: d.enabled,
    visitors_threshold: number(d.threshold),
    usual_multiple: number(d.multiple),
    quiet_minutes: number(d.quiet) ?? 60,
    emails: d.emails
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean),
    webhook_url: d.webhook.trim() || null,
  };
  if (settings.visitors_threshold === null && settings.usual_multiple === null)
    return 'Set a threshold, a multiple of the usual level, or both.';
  if (settings.emails.length === 0 && !settings.webhook_url)
    return 'Add an e-mail address or a webhook to alert.';
  return settings;
}

export function SpikeAlertForm({ account, site }: Props) {
  // Wrapped, so that "loaded: no alert yet" (alert null) differs from "loading" (data null).
  const saved = useLoad(`spike-alert:${site}`, () =>
    account
      .spikeAlert(site)
      .then((res): ApiResult<{ alert: SpikeAlertSettings | null }> =>
        res.error ? res : { data: { alert: res.data }, error: null },
      ),
  );
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const d = draft ?? toDraft(saved.data?.alert ?? null);
  const set = (patch: Partial<Draft>) => setDraft({ ...d, ...patch });

  const save = (e: FormEvent): void => {
    e.preventDefault();
    const settings = fromDraft(d);
    if (typeof settings === 'string') return setMessage({ text: settings, error: true });
    setBusy(true);
    void account.saveSpikeAlert(site, settings).then((res) => {
      setBusy(false);
      setMessage(
        res.error ? { text: res.error.message, error: true } : { text: 'Saved.', error: false },
      );
      if (!res.error) saved.reload();
    });
  };

  return (
    <form className="card site-form" onSubmit={save} data-testid="spike-alert">
      <h2>Spike alert</h2>
      <p className="muted">
        An e-mail and a webhook post (Slack-compatible) when many visitors are on the site at once,
        then quiet for a while. Applies within a minute.
      </p>
      <label>
        <input
          type="checkbox"
          checked={d.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />{' '}
        Alert on
      </label>
      <label>
        Visitors now, at least
        <input
          type="number"
          min={1}
          value={d.threshold}
          onChange={(e) => set({ threshold: e.target.value })}
        />
      </label>
      <label>
        Or this many times the usual number for the hour (learnt over three days)
        <input
          type="number"
          min={1.5}
          max={100}
          step={0.5}
          value={d.multiple}
          onChange={(e) => set({ multiple: e.target.value })}
        />
      </label>
      <label>
        Quiet after an alert (minutes)
        <input
          type="number"
          min={1}
          max={10080}
          value={d.quiet}
          onChange={(e) => set({ quiet: e.target.value })}
        />
      </label>
      <label>
        E-mail addresses (up to 10, separated by commas)
        <input value={d.emails} onChange={(e) => set({ emails: e.target.value })} />
      </label>
      <label>
        Webhook URL
        <input
          type="url"
          placeholder="https://hooks.slack.com/services/…"
          value={d.webhook}
          onChange={(e) => set({ webhook: e.target.value })}
        />
      </label>
      {message && (
        <p className={message.error ? 'error' : 'notice'} role="status">
          <UserText text={message.text} max={300} />
        </p>
      )}
      {saved.error && <p className="error">{saved.error.message}</p>}
      <button type="submit" disabled={busy || saved.data === null}>
        Set alert
      </button>
    </form>
  );
}
