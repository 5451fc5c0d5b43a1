/** Shared helpers for the Miniflare tests (they run inside workerd). */
import { SELF } from 'cloudflare:test';
import { inject } from 'vitest';
import type { RecorderSite, RecorderState } from './recorder-types.js';

export const recorderUrl = (): string => inject('recorderUrl');

let counter = 0;
/** A fresh id of the wire format (8–64 of [A-Za-z0-9_-]). */
export const uid = (prefix = 'id'): string =>
  `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Registers a site with the recorder (what the `sites` table would hold). */
export async function addSite(overrides: Partial<RecorderSite> = {}): Promise<RecorderSite> {
  const site: RecorderSite = {
    id: uid('site'),
    name: 'Test site',
    domains: ['example.com'],
    public_live: true,
    timezone: 'Europe/Berlin',
    store_raw: true,
    ...overrides,
  };
  await control({ sites: [site] });
  return site;
}

export async function control(body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${recorderUrl()}/__control`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  await res.body?.cancel();
}

export async function recorderState(): Promise<RecorderState> {
  return (await fetch(`${recorderUrl()}/__state`)).json<RecorderState>();
}

export interface Visit {
  visitor: string;
  session: string;
}

export const newVisit = (): Visit => ({ visitor: uid('vis'), session: uid('ses') });

export function pageview(
  visit: Visit,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'pageview',
    id: uid('evt'),
    ts: Date.now(),
    session: visit.session,
    visitor: visit.visitor,
    url: '/pricing?utm_source=newsletter&utm_medium=email',
    referrer: 'https://www.google.com/search?q=x',
    storage: true,
    ...extra,
  };
}

export function heartbeat(
  visit: Visit,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'heartbeat',
    id: uid('evt'),
    ts: Date.now(),
    session: visit.session,
    visitor: visit.visitor,
    url: '/pricing',
    storage: true,
    engagedMs: 15_000,
    scroll: 40,
    interactions: 2,
    ...extra,
  };
}

export interface PostOptions {
  origin?: string | null;
  ua?: string | null;
  ip?: string;
  headers?: Record<string, string>;
  query?: string;
}

/** POSTs a beacon body to the Worker as a browser on https://example.com would. */
export function post(body: unknown, options: PostOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'text/plain;charset=UTF-8',
    ...options.headers,
  };
  const origin = options.origin === undefined ? 'https://example.com' : options.origin;
  if (origin) headers.origin = origin;
  const ua = options.ua === undefined ? CHROME_UA : options.ua;
  if (ua) headers['user-agent'] = ua;
  headers['cf-connecting-ip'] = options.ip ?? `198.51.100.${Math.floor(Math.random() * 250)}`;
  return SELF.fetch(`https://ingest.test/v1/events${options.query ?? ''}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const batch = (site: string, events: unknown[], extra: Record<string, unknown> = {}) => ({
  v: 1,
  site,
  events,
  ...extra,
});
