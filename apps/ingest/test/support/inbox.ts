/**
 * The devstack's local inbox and Auth users, as the end-to-end tests of the e-mail senders use
 * them (scheduled reports, spike alerts): the inbox's JSON API long-polls, so a test waits for a
 * message, never a fixed time.
 */
import { inject } from 'vitest';
import { DIRECT_HEADER } from './e2e-context.js';

export interface InboxMessage {
  id: string;
  seq: number;
  from: string;
  to: string[];
  subject: string;
  html: string | null;
  text: string | null;
}

/**
 * Messages to `to` after `after` (a message's seq); with `waitMs`, waits until one arrives.
 *
 * @example
 * const [mail] = await inboxMessages('ada@example.com', { waitMs: 10_000 });
 */
export async function inboxMessages(
  to: string,
  options: { after?: number; waitMs?: number } = {},
): Promise<InboxMessage[]> {
  const query = new URLSearchParams({
    to,
    after: String(options.after ?? 0),
    wait: String(options.waitMs ?? 0),
  });
  const res = await fetch(`${inject('stackUrl')}/inbox/api/messages?${query.toString()}`);
  if (!res.ok) throw new Error(`inbox: ${res.status} ${await res.text()}`);
  const body: { messages: InboxMessage[] } = await res.json();
  return body.messages;
}

/** A confirmed Auth user (the Auth admin API with the secret key); returns its id. */
export async function createUser(email: string): Promise<string> {
  const key = inject('secretKey');
  const res = await fetch(`${inject('stackUrl')}/auth/v1/admin/users`, {
    method: 'POST',
    headers: {
      apikey: key,
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      [DIRECT_HEADER]: '1',
    },
    body: JSON.stringify({ email, password: `pw-${crypto.randomUUID()}`, email_confirm: true }),
  });
  if (!res.ok) throw new Error(`creating ${email}: ${res.status} ${await res.text()}`);
  const body: { id: string } = await res.json();
  return body.id;
}
