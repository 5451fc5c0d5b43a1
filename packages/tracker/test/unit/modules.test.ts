// @vitest-environment happy-dom
/** Unit tests of the tracker's pure parts in a DOM environment (happy-dom). */
import { parseBatch, type EventV2 } from '@sightline/schema';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isLocal, isOptedOut, OPT_OUT_KEY, setOptOut } from '../../src/consent.js';
import { loadIds, SESSION_KEY, uid, VISITOR_KEY } from '../../src/ids.js';
import { VISITOR_TTL_MS } from '../../src/limits.js';
import { linkCode } from '../../src/links.js';
import { cleanProps } from '../../src/props.js';
import { createTransport } from '../../src/transport.js';

const happy = () => (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM;

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
  sessionStorage.clear();
  happy().setURL('https://shop.example/');
  document.body.innerHTML = '';
});

describe('props', () => {
  it('keeps primitives, nulls objects, cuts keys, values and count', () => {
    const input: Record<string, unknown> = { a: 'x'.repeat(300), b: 1, c: true, d: null, e: {} };
    input['k'.repeat(70)] = 2;
    input[''] = 3;
    for (let i = 0; i < 30; i++) input[`n${i}`] = i;
    const out = cleanProps(input)!;
    expect(Object.keys(out)).toHaveLength(20);
    expect(out).toMatchObject({ a: 'x'.repeat(256), b: 1, c: true, d: null, e: null, _: 3 });
    expect(out['k'.repeat(64)]).toBe(2);
    expect(cleanProps(undefined)).toBeUndefined();
  });
});

describe('ids', () => {
  it('uid: a random UUID, in the schema charset, unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, uid));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[\w-]{8,64}$/);
  });

  it('stores the session id and the visitor id with a 365-day expiry, renewed on load', () => {
    const [session, visitor, storage] = loadIds(1_000);
    expect(storage).toBe(true);
    expect(sessionStorage.getItem(SESSION_KEY)).toBe(session);
    expect(localStorage.getItem(VISITOR_KEY)).toBe(`${visitor}.${1_000 + VISITOR_TTL_MS}`);
    expect(loadIds(2_000)).toEqual([session, visitor, true]);
    expect(localStorage.getItem(VISITOR_KEY)).toBe(`${visitor}.${2_000 + VISITOR_TTL_MS}`);
    const [sameSession, newVisitor] = loadIds(2_000 + VISITOR_TTL_MS + 1);
    expect(newVisitor).not.toBe(visitor);
    expect(sameSession).toBe(session);
  });

  it('replaces stored values it did not make, and a visitor id without expiry', () => {
    const kept = crypto.randomUUID();
    sessionStorage.setItem(SESSION_KEY, 'undefined');
    localStorage.setItem(VISITOR_KEY, kept);
    const [session, visitor] = loadIds(1_000);
    expect(session).not.toBe('undefined');
    expect(visitor).not.toBe(kept);
    for (const id of [session, visitor])
      expect(id).toMatch(/^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/);
    localStorage.setItem(VISITOR_KEY, `${kept}.${2_000}`);
    expect(loadIds(1_000)[1]).toBe(kept);
  });

  it('falls back to memory ids with storage: false when storage throws', () => {
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    const [session, visitor, storage] = loadIds(1_000);
    expect(storage).toBe(false);
    expect(visitor).toMatch(/^[\w-]{8,64}$/);
    expect(session).not.toBe(visitor);
  });
});

describe('consent', () => {
  it('opt-out persists in localStorage and survives blocked storage in memory', () => {
    expect(isOptedOut()).toBe(false);
    setOptOut(true);
    expect(localStorage.getItem(OPT_OUT_KEY)).toBe('1');
    expect(isOptedOut()).toBe(true);
    setOptOut(false);
    expect(isOptedOut()).toBe(false);
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    setOptOut(true);
    expect(isOptedOut()).toBe(true);
    setOptOut(false);
  });

  it.each([
    ['http://localhost:3000/', true],
    ['http://app.localhost/', true],
    ['http://127.0.0.1:8787/', true],
    ['http://127.1.2.3/', true],
    ['http://[::1]:8080/', true],
    ['https://shop.example/', false],
    ['https://localhost.example.com/', false],
    ['https://127.example/', false],
  ])('isLocal(%s) is %s', (url, local) => {
    happy().setURL(url);
    expect(isLocal()).toBe(local);
  });
});

describe('links', () => {
  const link = (html: string) => {
    document.body.innerHTML = html;
    return document.body.querySelector('a')!;
  };
  it('codes outbound links 3 and downloads 4 (v2 type codes), and nothing else', () => {
    expect(linkCode(link('<a href="https://other.example/x"><span>t</span></a>'))).toBe(3);
    expect(linkCode(link('<a href="/files/a.PDF">pdf</a>'))).toBe(4);
    expect(linkCode(link('<a href="/export" download>x</a>'))).toBe(4);
    expect(linkCode(link('<a href="https://other.example/a.zip">zip</a>'))).toBe(4);
    expect(linkCode(link('<a href="/about">about</a>'))).toBeFalsy();
    expect(linkCode(link('<a href="mailto:a@b.c">mail</a>'))).toBeFalsy();
    expect(linkCode(link('<a>no href</a>'))).toBeFalsy();
  });
});

describe('transport', () => {
  /** A v2 envelope up to its events, as the tracker writes it. */
  const head = (automated: boolean) =>
    JSON.stringify({
      v: 2,
      s: 'site-1',
      i: 'session-1',
      u: 'visitor-1',
      k: true,
      p: 'page-load-1',
      a: automated,
    }).slice(0, -1) + ',"e":[';
  const event = (i: number, props: object = { i }): EventV2 =>
    [2, i, Date.UTC(2025, 0, 1), '/', '', 'e', props] as EventV2;

  it('sends every event in valid v2 batches of at most 50 by sendBeacon', () => {
    const bodies: string[] = [];
    vi.spyOn(navigator, 'sendBeacon').mockImplementation((_url, body) => {
      bodies.push(body as string);
      return true;
    });
    const [enqueue, flush] = createTransport('/v1/events', head(true), 1_000);
    for (let i = 0; i < 120; i++) enqueue(event(i));
    flush();
    const sizes = bodies.map((b) => (JSON.parse(b) as { e: unknown[] }).e.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(sizes.reduce((a, b) => a + b)).toBe(120);
    for (const body of bodies) {
      expect(JSON.parse(body)).toMatchObject({ v: 2, s: 'site-1', a: true });
      const { data, error } = parseBatch(body);
      expect(error).toBeNull();
      expect(data).toMatchObject({ v: 1, site: 'site-1', automated: true });
    }
    const ids = bodies.flatMap((b) => parseBatch(b).data!.events.map((e) => e.id));
    expect(new Set(ids).size).toBe(120);
    expect(ids[7]).toBe('page-load-1-7');
  });

  it('cuts batches by size so every body fits 16 KB', () => {
    const bodies: string[] = [];
    vi.spyOn(navigator, 'sendBeacon').mockImplementation((_url, body) => {
      bodies.push(body as string);
      return true;
    });
    const [enqueue, flush] = createTransport('/v1/events', head(false), 1_000);
    const props = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`k${i}`, '€'.repeat(60)]),
    );
    for (let i = 0; i < 10; i++) enqueue(event(i, props));
    flush();
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) {
      expect(new TextEncoder().encode(body).byteLength).toBeLessThanOrEqual(16 * 1024);
      expect(parseBatch(body).error).toBeNull();
    }
  });

  it('keeps at most 100 events, the newest, while the browser refuses beacons, and retries with backoff', async () => {
    vi.useFakeTimers();
    const beacon = vi.spyOn(navigator, 'sendBeacon').mockReturnValue(false);
    const [enqueue, flush] = createTransport('/v1/events', head(false), 1_000);
    for (let i = 0; i < 250; i++) enqueue(event(i));
    flush();
    const refused = beacon.mock.calls.length;
    expect(refused).toBeGreaterThan(0);
    // One timer, however many flushes were refused: the flush scheduled at the first event
    // (after flushMs), then retries 2 s and 4 s after the refusal before them.
    const calls = () => beacon.mock.calls.length - refused;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(3_999);
    expect(calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls()).toBe(3);

    const delivered: number[] = [];
    beacon.mockImplementation((_url, body) => {
      const batch = JSON.parse(body as string) as { e: EventV2[] };
      delivered.push(...batch.e.map((e) => Number((e[6] as { i: number }).i)));
      return true;
    });
    flush();
    expect(delivered).toHaveLength(100);
    expect(new Set(delivered).size).toBe(100);
    expect(Math.min(...delivered)).toBe(150);
    // In order: a refused batch goes back in front of what came after it.
    expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
    vi.useRealTimers();
  });
});
