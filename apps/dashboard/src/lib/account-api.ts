/**
 * Sites, members, invitations, share links and API keys: the account RPCs of supabase/schemas/
 * 05_members.sql, 06_share_links.sql and 07_api_keys.sql through PostgREST, and the ingest Worker's routes that
 * need the secret key or a signing key (invitation e-mails, passes). Every call resolves to
 * `{ data, error }`; `error.reason` is the stable code the database or the Worker gave.
 */
import type { PostgrestClient } from '@sightline/postgrest';
import { ApiError, toResult, type ApiResult, type MySite, type RawResult } from './api.js';

export type Role = 'owner' | 'admin' | 'viewer';

export interface Member {
  user_id: string;
  email: string;
  role: Role;
  created_at: string;
  is_you: boolean;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  created_at: string;
  invited_by: string | null;
}

export interface ShareLink {
  id: string;
  label: string;
  has_password: boolean;
  hidden_reports: string[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_by: string | null;
}

/** An import of a site, as `imports_of` lists it. */
export interface SiteImport {
  id: string;
  format: string | null;
  file_name: string;
  status: 'staging' | 'complete';
  first_day: string | null;
  last_day: string | null;
  days: number;
  records: number;
  dimensions: string[];
  created_by: string | null;
  created_at: string;
  /** The site's first day of its own data: imported days from then on are not reported. */
  native_from: string | null;
}

/** A Stats API key of a site, as `api_keys_of` lists it (never the key itself). */
export interface ApiKey {
  id: string;
  name: string;
  /** The key's first characters, to tell keys apart. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  created_by: string | null;
}

export interface SiteSettings {
  name: string;
  domains: string[];
  timezone: string;
  public_live: boolean;
  public_dashboard: boolean;
  store_raw: boolean;
  respect_privacy_signals: boolean;
}

/** The columns of `sites` a member may change (supabase/schemas: owners and admins). */
const SETTINGS: readonly (keyof SiteSettings)[] = [
  'name',
  'domains',
  'timezone',
  'public_live',
  'public_dashboard',
  'store_raw',
  'respect_privacy_signals',
];

export interface NewSite extends SiteSettings {
  id: string;
}

/** What `site_access` says about the caller and a site (share links, public dashboards). */
export interface SiteAccess {
  site: { id: string; name: string; timezone: string; public_live: boolean };
  access: string;
  hidden: string[];
}

/** Scheduled e-mail reports a member opts in to per site (supabase/schemas/09_report_mail.sql). */
export type ReportPeriod = 'weekly' | 'monthly';

/** A site's spike alert (table spike_alerts; owners and admins; docs/reports-and-alerts.md). */
export interface SpikeAlertSettings {
  enabled: boolean;
  visitors_threshold: number | null;
  usual_multiple: number | null;
  quiet_minutes: number;
  emails: string[];
  webhook_url: string | null;
}

export interface AccountApi {
  acceptInvitations(): Promise<ApiResult<{ site_id: string; role: Role }[]>>;
  mySites(): Promise<ApiResult<MySite[]>>;
  siteAccess(site: string): Promise<ApiResult<SiteAccess>>;
  createSite(site: NewSite): Promise<ApiResult<MySite>>;
  updateSite(id: string, settings: Partial<SiteSettings>): Promise<ApiResult<null>>;
  deleteSite(id: string, confirm: string): Promise<ApiResult<null>>;
  members(site: string): Promise<ApiResult<Member[]>>;
  invitations(site: string): Promise<ApiResult<Invitation[]>>;
  invite(site: string, email: string, role: Role): Promise<ApiResult<{ mail: string }>>;
  revokeInvitation(id: string): Promise<ApiResult<null>>;
  setRole(site: string, user: string, role: Role): Promise<ApiResult<null>>;
  removeMember(site: string, user: string): Promise<ApiResult<null>>;
  shareLinks(site: string): Promise<ApiResult<ShareLink[]>>;
  createShareLink(
    site: string,
    options: { label: string; password: string; hidden: string[]; expiresAt: string | null },
  ): Promise<ApiResult<{ id: string; token: string }>>;
  revokeShareLink(id: string): Promise<ApiResult<null>>;
  apiKeys(site: string): Promise<ApiResult<ApiKey[]>>;
  createApiKey(site: string, name: string): Promise<ApiResult<{ id: string; key: string }>>;
  revokeApiKey(id: string): Promise<ApiResult<null>>;
  /** The site's imports of analytics history (docs/imports.md), newest first. */
  imports(site: string): Promise<ApiResult<SiteImport[]>>;
  deleteImport(id: string): Promise<ApiResult<null>>;
  /** The site's first local day of its own data (its daily totals), null before any. */
  firstDay(site: string): Promise<ApiResult<string | null>>;
  /** The import RPCs as this user, for `importInto` (@sightline/database/import): throws ApiError. */
  importApi: { rpc<T>(fn: string, args: object): Promise<T> };
  /** The signed-in member's own report subscriptions of a site. */
  reportPeriods(site: string): Promise<ApiResult<ReportPeriod[]>>;
  setReportPeriod(
    site: string,
    user: string,
    period: ReportPeriod,
    on: boolean,
  ): Promise<ApiResult<null>>;
  /** The site's spike alert, or null when it has none. */
  spikeAlert(site: string): Promise<ApiResult<SpikeAlertSettings | null>>;
  saveSpikeAlert(site: string, settings: SpikeAlertSettings): Promise<ApiResult<null>>;
}

/** A Worker route's answer: its JSON, or `{ error: { code, message } }`. */
export async function workerCall<T>(
  url: string,
  init: { token?: string; body?: unknown },
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: JSON.stringify(init.body ?? {}),
    });
  } catch (cause) {
    return {
      data: null,
      error: new ApiError(`the ingest Worker cannot be reached (${String(cause)})`, 'request', 0),
    };
  }
  const body = (await res.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string };
  };
  if (res.ok) return { data: body as T, error: null };
  const code = body.error?.code ?? null;
  const auth = res.status === 401 && (code === 'invalid_token' || code === 'token_expired');
  return {
    data: null,
    error: new ApiError(
      body.error?.message ?? `the ingest Worker answered ${res.status}`,
      auth ? 'auth' : 'request',
      res.status,
      code,
    ),
  };
}

/**
 * @example
 * const account = createAccountApi(db, ingestUrl, () => session.access_token);
 * const { data: sites } = await account.mySites();
 */
export function createAccountApi(
  db: PostgrestClient,
  ingestUrl: string,
  userToken: () => Promise<string>,
): AccountApi {
  const rpc = async <T>(name: string, args: Record<string, unknown> = {}) =>
    toResult<T>((await db.rpc(name, args)) as RawResult);
  const done = async (name: string, args: Record<string, unknown>) => {
    const res = await rpc<unknown>(name, args);
    return res.error ? res : { data: null, error: null };
  };
  return {
    acceptInvitations: () => rpc('accept_invitations'),
    mySites: () => rpc('my_sites'),
    siteAccess: (site) => rpc('site_access', { p_site: site }),
    createSite: (site) =>
      rpc('create_site', {
        p_id: site.id,
        p_name: site.name,
        p_domains: site.domains,
        p_timezone: site.timezone,
        p_public_live: site.public_live,
        p_store_raw: site.store_raw,
        p_respect_privacy_signals: site.respect_privacy_signals,
        p_public_dashboard: site.public_dashboard,
      }),
    async updateSite(id, settings) {
      // Only the settings: a caller may hand a whole MySite (its role is no column).
      const patch = Object.fromEntries(
        SETTINGS.filter((key) => settings[key] !== undefined).map((key) => [key, settings[key]]),
      );
      const res = toResult<unknown[]>(
        (await db.from('sites').update(patch).eq('id', id).select('id')) as RawResult,
      );
      if (res.error) return res;
      // An UPDATE that row-level security filters away changes nothing and says nothing.
      return res.data.length === 1
        ? { data: null, error: null }
        : {
            data: null,
            error: new ApiError('you may not change this site', 'request', 403, 'not_allowed'),
          };
    },
    deleteSite: (id, confirm) => done('delete_site', { p_site: id, p_confirm: confirm }),
    members: (site) => rpc('site_members_of', { p_site: site }),
    invitations: (site) => rpc('site_invitations_of', { p_site: site }),
    async invite(site, email, role) {
      return workerCall(`${ingestUrl}/v1/sites/${encodeURIComponent(site)}/invitations`, {
        token: await userToken(),
        body: { email, role, redirectTo: `${window.location.origin}${window.location.pathname}` },
      });
    },
    revokeInvitation: (id) => done('revoke_invitation', { p_id: id }),
    setRole: (site, user, role) =>
      done('set_member_role', { p_site: site, p_user: user, p_role: role }),
    removeMember: (site, user) => done('remove_member', { p_site: site, p_user: user }),
    shareLinks: (site) => rpc('share_links_of', { p_site: site }),
    createShareLink: (site, o) =>
      rpc('create_share_link', {
        p_site: site,
        p_label: o.label,
        p_password: o.password || null,
        p_hidden_reports: o.hidden,
        p_expires_at: o.expiresAt,
      }),
    revokeShareLink: (id) => done('revoke_share_link', { p_id: id }),
    apiKeys: (site) => rpc('api_keys_of', { p_site: site }),
    createApiKey: (site, name) => rpc('create_api_key', { p_site: site, p_name: name }),
    revokeApiKey: (id) => done('revoke_api_key', { p_id: id }),
    imports: (site) => rpc('imports_of', { p_site: site }),
    deleteImport: (id) => done('delete_import', { p_import: id }),
    async firstDay(site) {
      // Row-level security returns the rows of the caller's sites only.
      const res = toResult<{ day: string }[]>(
        (await db
          .from('daily_rollups')
          .select('day')
          .eq('site_id', site)
          .eq('dimension', '')
          .eq('value', '')
          .order('day')
          .limit(1)) as RawResult,
      );
      return res.error ? res : { data: res.data[0]?.day ?? null, error: null };
    },
    importApi: {
      async rpc<T>(fn: string, args: object): Promise<T> {
        const res = await rpc<T>(fn, args as Record<string, unknown>);
        if (res.error) throw res.error;
        return res.data;
      },
    },
    async reportPeriods(site) {
      // Row-level security returns the caller's own rows only.
      const res = toResult<{ period: ReportPeriod }[]>(
        (await db.from('report_subscriptions').select('period').eq('site_id', site)) as RawResult,
      );
      return res.error ? res : { data: res.data.map((r) => r.period), error: null };
    },
    async setReportPeriod(site, user, period, on) {
      const table = db.from('report_subscriptions');
      const res = toResult<unknown>(
        on
          ? await table.upsert({ site_id: site, user_id: user, period }, { ignoreDuplicates: true })
          : await table.delete().eq('site_id', site).eq('period', period),
      );
      return res.error ? res : { data: null, error: null };
    },
    async spikeAlert(site) {
      const res = toResult<SpikeAlertSettings[]>(
        await db
          .from('spike_alerts')
          .select('enabled,visitors_threshold,usual_multiple,quiet_minutes,emails,webhook_url')
          .eq('site_id', site),
      );
      return res.error ? res : { data: res.data[0] ?? null, error: null };
    },
    async saveSpikeAlert(site, settings) {
      const res = toResult<unknown[]>(
        await db
          .from('spike_alerts')
          .upsert({ site_id: site, ...settings, updated_at: new Date().toISOString() })
          .select('site_id'),
      );
      return res.error ? res : { data: null, error: null };
    },
  };
}
