/**
 * Hashes for idempotent imports. A record's `hash` is FNV-1a 64 of its canonical line: cheap
 * enough for millions of records, and it changes when the record does (a change detector, not
 * a security property). The import's `contentHash` is SHA-256 (Web Crypto) over the digests of
 * each dimension's days, sorted, so it does not depend on file order, compression or row order.
 */
const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);

/** @example fnv1a64('a') // 'af63dc4c8601ec8c' */
export function fnv1a64(text: string): string {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  // 64 bits as four 16-bit limbs, little end first; prime = 2^40 + 0x1b3.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < written; i++) {
    h0 ^= scratch[i]!;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return hex16(h3) + hex16(h2) + hex16(h1) + hex16(h0);
}

const hex16 = (n: number) => n.toString(16).padStart(4, '0');

/** SHA-256 of text, as hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
