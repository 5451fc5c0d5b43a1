/**
 * The scheduled e-mail reports, run by the Worker's Cron Trigger (src/index.ts): every report
 * due (public.due_reports: the last complete week or month in each site's time zone, not yet
 * sent) is claimed in the database, read, rendered and sent, then recorded as sent. A re-run
 * of the cron finds the record and sends nothing twice; a failed send drops its claim, so the
 * next run tries again; a run that stopped mid-send leaves a claim that is due again after an
 * hour, and the e-mail API's idempotency key keeps that retry from delivering twice.
 */
import { mailConfigured, sendMail, type MailEnv } from './email-api.js';
import { loadReport, type ReportData, type ReportPeriod } from './report-data.js';
import { renderReport } from './report-mail.js';
import { postgrest, type SupabaseEnv } from './supabase.js';

/** Reports per run: each costs about 7 subrequests; the next run (an hour later) takes the rest. */
export const MAX_REPORTS_PER_RUN = 100;

export type ReportEnv = SupabaseEnv & MailEnv & { DASHBOARD_URL?: string };

interface DueReport {
  site_id: string;
  site_name: string;
  timezone: string;
  user_id: string;
  email: string;
  period: 'weekly' | 'monthly';
  period_start: string;
  period_from: string;
  period_to: string;
}

export interface ReportRun {
  due: number;
  sent: number;
  /** Claimed by another run, or sent meanwhile. */
  skipped: number;
  failed: number;
}

/**
 * @example
 * await sendDueReports(env, new Date(controller.scheduledTime)); // { due: 3, sent: 3, … }
 */
export async function sendDueReports(env: ReportEnv, now: Date): Promise<ReportRun> {
  const run: ReportRun = { due: 0, sent: 0, skipped: 0, failed: 0 };
  if (!mailConfigured(env)) {
    console.warn('reports: e-mail is not configured (EMAIL_API_URL, EMAIL_API_KEY, EMAIL_FROM)');
    return run;
  }
  const db = postgrest(env, 30_000);
  const at = now.toISOString();
  const { data, error } = (await db.rpc('due_reports', { p_now: at })) as {
    data: DueReport[] | null;
    error: { message: string } | null;
  };
  if (error) throw new Error(`due_reports failed: ${error.message}`, { cause: error });
  const due = (data ?? []).slice(0, MAX_REPORTS_PER_RUN);
  run.due = data?.length ?? 0;
  // Members of one site share its numbers: read them once per site and period.
  const reports = new Map<string, Promise<ReportData>>();
  for (const d of due) {
    const key = {
      p_site: d.site_id,
      p_user: d.user_id,
      p_period: d.period,
      p_period_start: d.period_start,
    };
    const claim = (await db.rpc('claim_report', { ...key, p_now: at })) as {
      data: boolean | null;
      error: { message: string } | null;
    };
    if (claim.error || claim.data !== true) {
      if (claim.error) console.warn(`reports: claim failed: ${claim.error.message}`);
      run.skipped += 1;
      continue;
    }
    let messageId: string | null = null;
    try {
      const period: ReportPeriod = {
        site: d.site_id,
        siteName: d.site_name,
        timezone: d.timezone,
        period: d.period,
        periodStart: d.period_start,
        from: d.period_from,
        to: d.period_to,
      };
      const reportKey = `${d.site_id}\u0000${d.period}\u0000${d.period_start}`;
      let report = reports.get(reportKey);
      if (!report) reports.set(reportKey, (report = loadReport(db, period)));
      const mail = renderReport(await report, env.DASHBOARD_URL);
      messageId = await sendMail(env, {
        to: [d.email],
        ...mail,
        idempotencyKey: `report/${d.site_id}/${d.user_id}/${d.period}/${d.period_start}`,
      });
      run.sent += 1;
    } catch (error) {
      run.failed += 1;
      console.warn(
        `reports: ${d.period} report of ${d.site_id} (${d.period_start}) for ${d.user_id} not sent: ${String(error)}`,
      );
    }
    const finished = (await db.rpc('finish_report', { ...key, p_message_id: messageId })) as {
      error: { message: string } | null;
    };
    if (finished.error)
      console.warn(`reports: recording a report failed: ${finished.error.message}`);
  }
  return run;
}
