/**
 * Reads a request body without ever holding more than the cap: a declared Content-Length over
 * the cap is refused before reading, and a chunked body is cut off as soon as the stream passes
 * it. A body whose length is declared (every beacon: sendBeacon always sends one) is read in one
 * call: reading the stream chunk by chunk was a tenth of a beacon's CPU (measured with a CPU
 * profile of the Worker under load, bench/src/cpu-profile.ts). The runtime holds such a body to
 * its declared length.
 */
import { MAX_BODY_BYTES } from '@sightline/schema';
import { IngestError } from './errors.js';

const tooLarge = () =>
  new IngestError(413, 'body_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);

/**
 * @example
 * const bytes = await readBody(c.req.raw); // Uint8Array of at most MAX_BODY_BYTES
 */
export async function readBody(request: Request, cap = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > cap) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  if (declared !== null) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > cap) throw tooLarge();
    return bytes;
  }
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
