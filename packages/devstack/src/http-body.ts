import type { IncomingMessage } from 'node:http';

/** A request body that cannot be read: too large (413) or not parseable (400). */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bodies of Auth and inbox requests are small; 1 MiB leaves room for an HTML e-mail. */
const LIMIT = 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = LIMIT): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyError(`request body over ${limit} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body (an empty body is `{}`); form-encoded bodies as OAuth clients send them. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = (await readBody(req)).toString('utf8');
  if (raw.trim() === '') return {};
  if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as unknown;
  } catch (cause) {
    throw new BodyError('Could not parse request body as JSON', 400, { cause });
  }
}
