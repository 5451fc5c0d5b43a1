/** A small JSON request body (at most 4 KB) as an object, or a 400 `invalid_request`. */
import { IngestError } from './errors.js';

const MAX_BYTES = 4_096;

export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.length === 0) return {};
  if (text.length > MAX_BYTES)
    throw new IngestError(413, 'body_too_large', `a request body has at most ${MAX_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new IngestError(400, 'invalid_request', 'the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new IngestError(400, 'invalid_request', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** An optional string field of at most `max` characters. */
export function stringField(
  body: Record<string, unknown>,
  name: string,
  max: number,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max)
    throw new IngestError(
      400,
      'invalid_request',
      `${name} must be a string of at most ${max} characters`,
    );
  return value;
}
