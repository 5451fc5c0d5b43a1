import type { InboxMessage, NewMessage } from './store.js';

/**
 * The subset of Resend's `POST /emails` the inbox accepts, so a sender configured with Resend's
 * base URL and key (a Worker's scheduled reports, say) can point at the inbox locally instead.
 */
export class ResendError extends Error {
  override readonly name = 'ResendError';
  constructor(
    readonly statusCode: number,
    /** Resend's error name, e.g. `validation_error`: the stable code. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { statusCode: number; name: string; message: string } {
    return { statusCode: this.statusCode, name: this.code, message: this.message };
  }
}

/** Resend caps recipients per message at 50. */
const MAX_RECIPIENTS = 50;

function addresses(value: unknown, field: string, required: boolean): string[] {
  if (value === undefined || value === null) {
    if (required)
      throw new ResendError(422, 'missing_required_field', `Missing \`${field}\` field.`);
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 && required)
    throw new ResendError(422, 'missing_required_field', `Missing \`${field}\` field.`);
  if (list.length > MAX_RECIPIENTS)
    throw new ResendError(
      422,
      'validation_error',
      `Too many \`${field}\` addresses: at most ${MAX_RECIPIENTS}.`,
    );
  for (const address of list) {
    if (
      typeof address !== 'string' ||
      !/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(address.trim())
    )
      throw new ResendError(
        422,
        'validation_error',
        `Invalid \`${field}\` field: ${JSON.stringify(address)}.`,
      );
  }
  return list.map((address: string) => address.trim());
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    throw new ResendError(
      422,
      'validation_error',
      `Invalid \`${field}\` field: expected a string.`,
    );
  return value;
}

/** Validates one Resend send-email body and turns it into an inbox message. */
export function parseResendEmail(body: unknown): NewMessage {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ResendError(422, 'validation_error', 'The request body must be a JSON object.');
  const input = body as Record<string, unknown>;
  const from = addresses(input.from, 'from', true);
  if (from.length !== 1)
    throw new ResendError(422, 'validation_error', 'Invalid `from` field: one sender expected.');
  const subject = optionalString(input.subject, 'subject');
  if (!subject) throw new ResendError(422, 'missing_required_field', 'Missing `subject` field.');
  const html = optionalString(input.html, 'html');
  const text = optionalString(input.text, 'text');
  if (html === null && text === null)
    throw new ResendError(422, 'missing_required_field', 'Missing `html` or `text` field.');
  const headers = input.headers ?? {};
  if (
    typeof headers !== 'object' ||
    headers === null ||
    Object.values(headers).some((v) => typeof v !== 'string')
  )
    throw new ResendError(
      422,
      'validation_error',
      'Invalid `headers` field: expected string values.',
    );
  const tags = input.tags ?? [];
  if (
    !Array.isArray(tags) ||
    tags.some(
      (tag: { name?: unknown; value?: unknown }) =>
        typeof tag?.name !== 'string' || typeof tag.value !== 'string',
    )
  )
    throw new ResendError(
      422,
      'validation_error',
      'Invalid `tags` field: expected [{ name, value }].',
    );
  return {
    sender: 'email-api',
    from: from[0]!,
    to: addresses(input.to, 'to', true),
    cc: addresses(input.cc, 'cc', false),
    bcc: addresses(input.bcc, 'bcc', false),
    reply_to: addresses(input.reply_to ?? input.replyTo, 'reply_to', false),
    subject,
    html,
    text,
    headers: headers as Record<string, string>,
    tags: tags as { name: string; value: string }[],
  };
}

/** A stored message as Resend's `GET /emails/:id` shows one. */
export function asResendEmail(message: InboxMessage): Record<string, unknown> {
  return {
    object: 'email',
    id: message.id,
    to: message.to,
    from: message.from,
    created_at: message.created_at,
    subject: message.subject,
    html: message.html,
    text: message.text,
    cc: message.cc,
    bcc: message.bcc,
    reply_to: message.reply_to,
    last_event: 'delivered',
  };
}
