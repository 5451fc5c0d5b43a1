/**
 * Sends e-mail through Resend's HTTP API (`POST <EMAIL_API_URL>/emails`): one JSON call a
 * Worker makes with fetch (Workers cannot speak SMTP, and Cloudflare's `send_email` binding
 * reaches verified addresses only). Locally EMAIL_API_URL is the devstack's Resend-compatible
 * endpoint, which delivers into its inbox, so the production code path runs unchanged.
 */

/** The Worker's e-mail settings (wrangler.jsonc vars; EMAIL_API_KEY is a secret). */
export interface MailEnv {
  /** Resend's base URL, `https://api.resend.com` (locally the devstack's `<stack>/inbox/resend`). */
  EMAIL_API_URL?: string;
  EMAIL_API_KEY?: string;
  /** The sender, an address of a domain verified with the e-mail API. */
  EMAIL_FROM?: string;
}

export type MailErrorCode = 'email_not_configured' | 'email_refused' | 'email_unreachable';

export class MailError extends Error {
  override readonly name = 'MailError';
  constructor(
    readonly code: MailErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Mail {
  to: string[];
  subject: string;
  html: string;
  text: string;
  /**
   * Resend keeps a key for 24 hours and sends a repeated request with it once: a send retried
   * after a lost answer does not deliver twice.
   */
  idempotencyKey?: string;
}

/** True when the Worker has what it needs to send e-mail. */
export function mailConfigured(env: MailEnv): boolean {
  return Boolean(env.EMAIL_API_URL && env.EMAIL_API_KEY && env.EMAIL_FROM);
}

/**
 * Sends one message; returns the API's message id.
 *
 * @example
 * const id = await sendMail(env, { to: ['ada@example.com'], subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' });
 */
export async function sendMail(env: MailEnv, mail: Mail): Promise<string> {
  if (!mailConfigured(env))
    throw new MailError(
      'email_not_configured',
      'EMAIL_API_URL, EMAIL_API_KEY and EMAIL_FROM must be set to send e-mail',
    );
  let response: Response;
  try {
    response = await fetch(`${env.EMAIL_API_URL!.replace(/\/+$/, '')}/emails`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${env.EMAIL_API_KEY}`,
        'content-type': 'application/json',
        ...(mail.idempotencyKey ? { 'idempotency-key': mail.idempotencyKey } : {}),
      },
      body: JSON.stringify({
        from: env.EMAIL_FROM,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
      }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new MailError('email_unreachable', 'the e-mail API could not be reached', {
      cause: error,
    });
  }
  const body = (await response.json().catch(() => ({}))) as {
    id?: unknown;
    name?: string;
    message?: string;
  };
  if (!response.ok || typeof body.id !== 'string')
    throw new MailError(
      'email_refused',
      `the e-mail API answered ${response.status} ${String(body.name ?? '')}: ${String(body.message ?? '')}`,
    );
  return body.id;
}
