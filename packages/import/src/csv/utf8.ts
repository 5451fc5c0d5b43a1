/**
 * Where UTF-8 goes wrong. `TextDecoder` with `fatal` says that a chunk is invalid, not where:
 * this finds the first byte that is not part of a well-formed sequence (RFC 3629: no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF), so the error can name a line.
 */

/**
 * Offset of the first invalid byte of `bytes`, or -1 when all of it is well formed (a sequence
 * cut off at the end counts as well formed unless `final`).
 * @example firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80])) // 1
 */
export function firstInvalidUtf8(bytes: Uint8Array, final = false): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f; // U+D800..U+DFFF: surrogates are not characters
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return final ? i : -1;
      const c = bytes[i + k]!;
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Bytes at the end of `bytes` that start a sequence not yet complete (0–3). */
export function incompleteTail(bytes: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k]!;
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return length > k ? k : 0;
    }
  }
  return 0;
}
