import { afterEach, describe, expect, it } from 'vitest';
import { idFromName } from '../../src/components/Sites/SiteForm.js';
import { snippet } from '../../src/components/Sites/snippet.js';
import { ApiError } from '../../src/lib/api.js';
import { PassKeeper, type Pass } from '../../src/lib/passes.js';
import { publicSite, publicUrl, shareUrl, takeShareSecret } from '../../src/lib/share-url.js';

afterEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});

describe('share links in the address bar', () => {
  it('takes #share=… out of the address bar and keeps it for this tab only', () => {
    history.replaceState(null, '', '/?site=x#share=sl_secret');
    expect(takeShareSecret()).toBe('sl_secret');
    expect(window.location.href).not.toContain('sl_secret');
    expect(window.location.search + window.location.hash).toBe('?site=x#shared');
    // A reload of the same tab finds it again; another address does not.
    expect(takeShareSecret()).toBe('sl_secret');
    history.replaceState(null, '', '/');
    expect(takeShareSecret()).toBe(null);
  });

  it('builds share and public addresses on this page', () => {
    history.replaceState(null, '', '/dash/?site=x#members');
    expect(shareUrl('sl_a')).toBe(`${window.location.origin}/dash/#share=sl_a`);
    expect(publicUrl('a b')).toBe(`${window.location.origin}/dash/#public=a%20b`);
    history.replaceState(null, '', '/#public=a%20b');
    expect(publicSite()).toBe('a b');
  });
});

describe('tracker snippet', () => {
  it('escapes attributes and allows localhost only for local domains', () => {
    expect(snippet('https://w.example', { id: 'shop', domains: ['example.com'] }, 'core')).toBe(
      '<script defer src="https://w.example/s.core.js" data-site="shop"></script>',
    );
    expect(
      snippet('http://127.0.0.1:8787', { id: 'a"b', domains: ['localhost:3000'] }, 'full'),
    ).toBe(
      '<script defer src="http://127.0.0.1:8787/s.js" data-site="a&quot;b" data-allow-localhost="true"></script>',
    );
  });

  it('derives a site id the database accepts from a name', () => {
    expect(idFromName('Café Übersicht & Co.')).toBe('cafe-ubersicht-co');
    expect(idFromName('x'.repeat(80))).toHaveLength(64);
  });
});

describe('PassKeeper', () => {
  const pass = (token: string, ttlMs: number): Pass => ({
    token,
    expiresAt: Date.now() + ttlMs,
  });

  it('renews once half the lifetime is gone, with one request for concurrent callers', async () => {
    let calls = 0;
    const keeper = new PassKeeper(() => Promise.resolve(pass(`p${++calls}`, 60_000)));
    const [a, b] = await Promise.all([keeper.current(), keeper.current()]);
    expect([a, b, calls]).toEqual(['p1', 'p1', 1]);
    expect(await keeper.current(Date.now() + 20_000)).toBe('p1');
    expect(await keeper.current(Date.now() + 40_000)).toBe('p2');
  });

  it('reports a refused renewal once as the end of access, but not a network failure', async () => {
    let answer: ApiError = new ApiError('offline', 'request', 0);
    const keeper = new PassKeeper(() => Promise.reject(answer), pass('p0', 60_000));
    const ended: string[] = [];
    keeper.onEnded((e) => ended.push(e.reason ?? ''));
    await expect(keeper.renew()).rejects.toThrow('offline');
    expect(keeper.ended).toBe(null);
    answer = new ApiError('revoked', 'request', 410, 'share_revoked');
    await expect(keeper.renew()).rejects.toThrow('revoked');
    await expect(keeper.renew()).rejects.toThrow('revoked');
    expect(ended).toEqual(['share_revoked']);
    // A listener added after the end hears it at once.
    keeper.onEnded((e) => ended.push(`late:${e.reason}`));
    expect(ended).toEqual(['share_revoked', 'late:share_revoked']);
  });

  it("hands each renewal's watch snapshot to the live view, with the Worker's renewal period", async () => {
    const answers: (Pass & { watch?: unknown })[] = [
      { ...pass('p1', 60_000), watch: { messages: [{ seq: 4, full: true }], renewMs: 30_000 } },
      pass('p2', 60_000),
      { ...pass('p3', 60_000), watch: { messages: 'not a list' } },
      { ...pass('p4', 60_000), watch: { messages: [], renewMs: 10 } },
    ];
    const keeper = new PassKeeper(() => Promise.resolve(answers.shift()!));
    const seen: unknown[] = [];
    const stop = keeper.onWatch((w) => seen.push(w));
    await keeper.renew();
    await keeper.renew(); // no watch in the answer (a pass asked without a site)
    await keeper.renew(); // a malformed watch is ignored
    await keeper.renew(); // a renewal period under a second falls back to 30 s
    expect(seen).toEqual([
      { messages: [{ seq: 4, full: true }], renewMs: 30_000 },
      { messages: [], renewMs: 30_000 },
    ]);
    stop();
    answers.push({ ...pass('p5', 60_000), watch: { messages: [{}], renewMs: 5_000 } });
    await keeper.renew();
    expect(seen).toHaveLength(2);
  });
});
