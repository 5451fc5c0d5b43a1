// The per-source key: the isolate's cache of recent hashes must give exactly the digest, and
// rotate with the UTC day and the salt (a stale cache would keep a source's key past midnight).
import { describe, expect, it } from 'vitest';
import { ipHash } from '../src/lib/ip-hash.js';

async function digest(salt: string, day: string, ip: string): Promise<string> {
  const bytes = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`${salt}\u0000${day}\u0000${ip}`),
  );
  return [...new Uint8Array(bytes, 0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

describe('ipHash', () => {
  const noon = Date.UTC(2026, 11, 8, 12);
  const nextDay = Date.UTC(2026, 11, 9, 0, 0, 1);

  it('is the salted digest of the day and the IP, first and cached alike', async () => {
    const want = await digest('salt-a', '2026-12-08', '203.0.113.7');
    expect(await ipHash('203.0.113.7', 'salt-a', noon)).toBe(want);
    expect(await ipHash('203.0.113.7', 'salt-a', noon + 1_000)).toBe(want);
  });

  it('rotates at midnight UTC and with the salt', async () => {
    const today = await ipHash('203.0.113.8', 'salt-a', noon);
    const tomorrow = await ipHash('203.0.113.8', 'salt-a', nextDay);
    expect(tomorrow).toBe(await digest('salt-a', '2026-12-09', '203.0.113.8'));
    expect(tomorrow).not.toBe(today);
    expect(await ipHash('203.0.113.8', 'salt-b', nextDay)).toBe(
      await digest('salt-b', '2026-12-09', '203.0.113.8'),
    );
    // Back on the first salt: the cache was not kept across the salt.
    expect(await ipHash('203.0.113.8', 'salt-a', nextDay)).toBe(tomorrow);
  });

  it('keeps different sources apart', async () => {
    const a = await ipHash('198.51.100.1', 'salt-a', noon);
    const b = await ipHash('198.51.100.2', 'salt-a', noon);
    expect(a).not.toBe(b);
    expect(b).toBe(await digest('salt-a', '2026-12-08', '198.51.100.2'));
  });
});
