import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { Devstack } from '../src/index.js';

/** supabase-js as a Node user runs it: no persisted session, `transport: ws` (Node 20). */
export function supabase(
  stack: Devstack,
  key = stack.publishableKey,
  auth: { flowType?: 'implicit' | 'pkce' } = {},
) {
  return createClient(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, ...auth },
    realtime: { transport: WebSocket as never },
  });
}

export interface Mail {
  id: string;
  seq: number;
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
}

/** Waits (server-side long poll, no sleeps) for the next e-mail to `to` after `after`. */
export async function nextMail(stack: Devstack, to: string, after = 0): Promise<Mail> {
  const url = `${stack.inboxUrl}/api/messages?to=${encodeURIComponent(to)}&after=${after}&wait=10000`;
  const { messages } = (await (await fetch(url)).json()) as { messages: Mail[] };
  const mail = messages[0];
  if (!mail) throw new Error(`no e-mail to ${to} after #${after} within 10 s`);
  return mail;
}

/** The cursor to pass as `after` so only later mail counts. */
export async function lastSeq(stack: Devstack): Promise<number> {
  const { messages } = (await (
    await fetch(`${stack.inboxUrl}/api/messages?limit=1000`)
  ).json()) as {
    messages: Mail[];
  };
  return messages.at(-1)?.seq ?? 0;
}

export function codeOf(mail: Mail): string {
  const code = /code: (\d+)/.exec(mail.text ?? '')?.[1];
  if (!code) throw new Error(`no code in ${mail.subject}`);
  return code;
}

export function linkOf(mail: Mail): string {
  const link = /(http:\/\/\S+\/auth\/v1\/verify\?\S+)/.exec(mail.text ?? '')?.[1];
  if (!link) throw new Error(`no link in ${mail.subject}`);
  return link;
}

/** Follows an e-mail link as a browser would, without following the redirect. */
export async function follow(link: string): Promise<URL> {
  const response = await fetch(link, { redirect: 'manual' });
  if (response.status !== 303) throw new Error(`expected 303, got ${response.status}`);
  return new URL(response.headers.get('location')!);
}

export function fragmentOf(url: URL): URLSearchParams {
  return new URLSearchParams(url.hash.slice(1));
}

export function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}@example.com`;
}
