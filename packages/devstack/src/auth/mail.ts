import { createHash, randomInt } from 'node:crypto';
import type { Inbox, NewMessage } from '../inbox/store.js';
import type { AuthConfig } from './config.js';
import { AuthApiError } from './errors.js';
import type { Db, UserRow } from './users.js';

/** The e-mails Auth sends, by GoTrue's verification type. */
export type MailKind = 'signup' | 'magiclink' | 'recovery' | 'invite' | 'email_change';

const SUBJECTS: Record<MailKind, string> = {
  signup: 'Confirm Your Signup',
  magiclink: 'Your Magic Link',
  recovery: 'Reset Your Password',
  invite: 'You have been invited',
  email_change: 'Confirm Email Change',
};

const ACTIONS: Record<MailKind, string> = {
  signup: 'Confirm your e-mail address',
  magiclink: 'Sign in',
  recovery: 'Reset your password',
  invite: 'Accept the invitation',
  email_change: 'Confirm the new e-mail address',
};

export const SENDER = 'Sightline devstack Auth <auth@devstack.local>';

/** GoTrue's token hash: hex SHA-224 of the address followed by the code. */
export function tokenHash(email: string, otp: string): string {
  return createHash('sha224')
    .update(email + otp)
    .digest('hex');
}

export function newOtp(length: number): string {
  return Array.from({ length }, () => randomInt(10)).join('');
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface Verification {
  kind: MailKind;
  to: string;
  /** The code the e-mail shows. */
  otp: string;
  /** Stored on the user and carried by the link: the hash, `pkce_`-prefixed for PKCE flows. */
  token: string;
  redirectTo: string;
}

/** The link in an e-mail: GoTrue's `<api>/verify?token=…&type=…&redirect_to=…`. */
export function verifyLink(
  config: AuthConfig,
  v: Pick<Verification, 'kind' | 'token' | 'redirectTo'>,
): string {
  const query = new URLSearchParams({ token: v.token, type: v.kind, redirect_to: v.redirectTo });
  return `${config.externalUrl}/verify?${query.toString()}`;
}

/** Builds the e-mail: the link and the code both, so links and `verifyOtp` both work. */
export function composeMail(config: AuthConfig, v: Verification): NewMessage {
  const link = verifyLink(config, v);
  const action = ACTIONS[v.kind];
  return {
    sender: 'auth',
    from: SENDER,
    to: [v.to],
    cc: [],
    bcc: [],
    reply_to: [],
    subject: SUBJECTS[v.kind],
    html: `<h2>${escape(SUBJECTS[v.kind])}</h2>
<p><a href="${escape(link)}">${escape(action)}</a></p>
<p>Or enter this code: <strong>${v.otp}</strong></p>`,
    text: `${SUBJECTS[v.kind]}\n\n${action}: ${link}\n\nOr enter this code: ${v.otp}\n`,
    headers: { 'X-Sightline-Auth-Type': v.kind },
    tags: [{ name: 'auth_type', value: v.kind }],
  };
}

/** The column holding each kind's token and its sent-at time. */
const COLUMNS: Record<Exclude<MailKind, 'email_change'>, [string, string]> = {
  signup: ['confirmation_token', 'confirmation_sent_at'],
  invite: ['confirmation_token', 'confirmation_sent_at'],
  magiclink: ['recovery_token', 'recovery_sent_at'],
  recovery: ['recovery_token', 'recovery_sent_at'],
};

/** GoTrue's per-user e-mail frequency limit. */
export function checkFrequency(config: AuthConfig, sentAt: Date | null): void {
  if (!sentAt) return;
  const wait = sentAt.getTime() + config.emailMaxFrequencySeconds * 1000 - Date.now();
  if (wait > 0)
    throw new AuthApiError(
      429,
      'over_email_send_rate_limit',
      `For security purposes, you can only request this after ${Math.ceil(wait / 1000)} seconds.`,
    );
}

export interface Mailer {
  config: AuthConfig;
  inbox: Inbox;
}

/**
 * Sends a sign-up, magic link, recovery or invite e-mail (inside the caller's transaction):
 * a fresh code, its hash stored on the user, the message into the inbox.
 */
export async function sendVerification(
  mailer: Mailer,
  db: Db,
  user: UserRow,
  kind: Exclude<MailKind, 'email_change'>,
  options: { pkce: boolean; redirectTo: string; checkFrequency?: boolean },
): Promise<void> {
  const [tokenColumn, sentColumn] = COLUMNS[kind];
  if (options.checkFrequency !== false)
    checkFrequency(
      mailer.config,
      kind === 'signup' || kind === 'invite' ? user.confirmation_sent_at : user.recovery_sent_at,
    );
  const otp = newOtp(mailer.config.otpLength);
  const hash = tokenHash(user.email ?? '', otp);
  const token = options.pkce ? `pkce_${hash}` : hash;
  await db.query(
    `update auth.users set ${tokenColumn} = $2, ${sentColumn} = now(),
       invited_at = case when $3 then now() else invited_at end where id = $1`,
    [user.id, token, kind === 'invite'],
  );
  await mailer.inbox.store(
    composeMail(mailer.config, {
      kind,
      to: user.email ?? '',
      otp,
      token,
      redirectTo: options.redirectTo,
    }),
    db,
  );
}

/**
 * Sends the e-mail change messages: to the new address, and (secure e-mail change, on when
 * confirmations are) to the current one; both must be confirmed before the address changes.
 */
export async function sendEmailChange(
  mailer: Mailer,
  db: Db,
  user: UserRow,
  newEmail: string,
  options: { pkce: boolean; redirectTo: string },
): Promise<void> {
  checkFrequency(mailer.config, user.email_change_sent_at);
  const prefix = options.pkce ? 'pkce_' : '';
  const otpNew = newOtp(mailer.config.otpLength);
  const tokenNew = prefix + tokenHash(newEmail, otpNew);
  const secure = mailer.config.enableConfirmations && !!user.email;
  const otpCurrent = secure ? newOtp(mailer.config.otpLength) : '';
  const tokenCurrent = secure ? prefix + tokenHash(user.email ?? '', otpCurrent) : '';
  await db.query(
    `update auth.users set email_change = $2, email_change_token_new = $3, email_change_token_current = $4,
       email_change_sent_at = now(), email_change_confirm_status = 0, updated_at = now() where id = $1`,
    [user.id, newEmail, tokenNew, tokenCurrent],
  );
  const base = { kind: 'email_change' as const, redirectTo: options.redirectTo };
  await mailer.inbox.store(
    composeMail(mailer.config, { ...base, to: newEmail, otp: otpNew, token: tokenNew }),
    db,
  );
  if (secure)
    await mailer.inbox.store(
      composeMail(mailer.config, {
        ...base,
        to: user.email ?? '',
        otp: otpCurrent,
        token: tokenCurrent,
      }),
      db,
    );
}
