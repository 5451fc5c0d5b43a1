// Imports an analytics export into a site through PostgREST, as `sightline import` does: the
// records are read by @sightline/import as a stream and sent in batches to the import RPCs
// (schemas/21_imports.sql), then committed in one transaction. Only one batch is held at a
// time, so a large export takes bounded memory.
import { readExport, type ExportInput, type ImportRecord } from '@sightline/import';

/** Where to write: a Supabase project's URL and a key that may import (secret, or a user's). */
export interface ImportTarget {
  url: string;
  /** The `apikey` header: the secret key, or the publishable key with a user's token. */
  apiKey: string;
  /** The bearer token; the secret key itself when omitted. */
  token?: string;
}

export interface ImportOptions {
  input: ExportInput;
  /** The file's name, for the import's record and error messages. */
  name: string;
  /** A site id or one of its domains. */
  site: string;
  /** The zone of Umami's days; default the site's. */
  timeZone?: string;
  /** Records per RPC call (at most 10,000). */
  batchSize?: number;
  onProgress?: (records: number) => void;
}

export interface ImportResult {
  id: string;
  duplicate: boolean;
  site_id: string;
  format: string;
  records: number;
  days: number;
  first_day: string | null;
  last_day: string | null;
  dimensions: string[];
}

/** A refusal by the database or the API: `code` is the stable code (PostgREST's `details`). */
export class ImportRequestError extends Error {
  override readonly name = 'ImportRequestError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Site {
  id: string;
  timezone: string;
}

/** The RPCs of `target` as its key (and token) may call them. */
export function targetApi(target: ImportTarget): ImportApi {
  return client(target);
}

function client(target: ImportTarget) {
  const base = target.url.replace(/\/+$/, '') + '/rest/v1';
  const headers = {
    apikey: target.apiKey,
    authorization: `Bearer ${target.token ?? target.apiKey}`,
    'content-type': 'application/json',
  };
  async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(base + path, { ...init, headers });
    } catch (cause) {
      throw new ImportRequestError('unreachable', `cannot reach ${target.url}`, 0, { cause });
    }
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (body ?? {}) as { message?: string; details?: string; code?: string };
      throw new ImportRequestError(
        error.details ?? error.code ?? `http_${response.status}`,
        error.message ?? `HTTP ${response.status}`,
        response.status,
      );
    }
    return body as T;
  }
  return {
    request,
    rpc: <T>(fn: string, args: object) =>
      request<T>(`/rpc/${fn}`, { method: 'POST', body: JSON.stringify(args) }),
  };
}

/** A site by id, or by one of its domains. */
export async function findSite(target: ImportTarget, site: string): Promise<Site> {
  return siteOf(client(target), site);
}

async function siteOf(api: ReturnType<typeof client>, site: string): Promise<Site> {
  const byId = await api.request<Site[]>(
    `/sites?select=id,timezone&id=eq.${encodeURIComponent(site)}`,
  );
  if (byId[0]) return byId[0];
  const byDomain = await api.request<Site[]>(
    `/sites?select=id,timezone&domains=cs.${encodeURIComponent(`{"${site.replace(/["\\]/g, '\\$&')}"}`)}`,
  );
  if (byDomain.length === 1 && byDomain[0]) return byDomain[0];
  throw new ImportRequestError(
    byDomain.length > 1 ? 'ambiguous_site' : 'site_not_found',
    byDomain.length > 1
      ? `several sites have the domain "${site}": pass the site id`
      : `no site "${site}" (by id or domain) readable with this key`,
    404,
  );
}

/** The record as the import RPC takes it: the measures, without the key, hash and kind. */
function wire(record: ImportRecord) {
  return {
    day: record.day,
    dimension: record.dimension,
    value: record.value,
    visitors: record.visitors,
    visits: record.visits,
    pageviews: record.pageviews,
    bounces: record.bounces,
    visitDurationMs: record.visitDurationMs,
    engagedMs: record.engagedMs,
    events: record.events,
  };
}

/** What an import calls: the import RPCs as some caller (the CLI's secret key, a user). */
export interface ImportApi {
  rpc<T>(fn: string, args: object): Promise<T>;
}

export interface ImportIntoOptions extends Omit<ImportOptions, 'site'> {
  site: { id: string; timezone: string };
}

/**
 * Reads the export and writes it into the site through `api`. Any error (a malformed file, a
 * refused batch) deletes the staged rows and is rethrown: nothing of a failed import is
 * reported. The dashboard's upload calls it with its user's PostgREST client.
 */
export async function importInto(
  api: ImportApi,
  options: ImportIntoOptions,
): Promise<ImportResult> {
  const { site } = options;
  const batchSize = Math.min(options.batchSize ?? 2000, 10_000);
  const reader = readExport(options.input, {
    name: options.name,
    timeZone: options.timeZone ?? site.timezone,
  });
  const id = await api.rpc<string>('begin_import', { p_site: site.id, p_file_name: options.name });
  let batch: ReturnType<typeof wire>[] = [];
  let sent = 0;
  const flush = async () => {
    if (!batch.length) return;
    await api.rpc('import_records', { p_import: id, p_records: batch });
    sent += batch.length;
    batch = [];
    options.onProgress?.(sent);
  };
  try {
    for await (const record of reader) {
      batch.push(wire(record));
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    const summary = reader.summary;
    if (!summary) throw new Error('the export reader ended without a summary');
    return await api.rpc<ImportResult>('commit_import', {
      p_import: id,
      p_format: summary.format,
      p_content_hash: summary.contentHash,
      p_time_zone: summary.timeZone ?? options.timeZone ?? site.timezone,
    });
  } catch (error) {
    await api.rpc('delete_import', { p_import: id }).catch(() => undefined);
    throw error;
  }
}

/** `importInto` by URL and key, the site found by id or domain (the CLI). */
export async function importExport(
  target: ImportTarget,
  options: ImportOptions,
): Promise<ImportResult> {
  const api = client(target);
  const site = await siteOf(api, options.site);
  return importInto(api, { ...options, site });
}
