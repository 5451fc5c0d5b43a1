/**
 * One hostile beacon must not silence a site. A beacon that passes the schema but carries text
 * Postgres cannot store (U+0000, an unpaired surrogate) was answered 202 and then failed
 * `ingest_batch` on every retry, first in the site's outbox, so no later event of the site ever
 * reached Postgres, restarts included. Now such text is refused (400) or normalised before the
 * answer, and a batch that still fails for its content is split: the good part is stored at once
 * and the rest is dead-lettered with its reason.
 */
import { describe, expect, it } from 'vitest';
import { pollUntil } from '@sightline/test-utils';
import { batch, newVisit, pageview, post } from '../support/helpers.js';
import { createSite, rows } from '../support/e2e-db.js';
import { stats } from '../support/site-live.js';

const visit = newVisit();
const custom = (extra: Record<string, unknown>) => ({
  ...pageview(visit),
  type: 'custom',
  name: 'signup',
  ...extra,
});

const HOSTILE: [string, Record<string, unknown>][] = [
  ['U+0000 in the path', pageview(visit, { url: '/a\u0000b' })],
  ['an unpaired surrogate in the path', pageview(visit, { url: '/a\ud800b' })],
  ['an unpaired surrogate in the title', pageview(visit, { title: 'x\udfff' })],
  ['U+0000 in the referrer', pageview(visit, { referrer: 'https://evil.test/\u0000' })],
  ['an unpaired surrogate in an event name', custom({ name: 'sign\ud800up' })],
  ['U+0000 in a property key', custom({ props: { 'a\u0000': 1 } })],
  ['U+0000 in a property value', custom({ props: { plan: 'pro\u0000' } })],
  ['a percent-encoded U+0000 in a UTM parameter', pageview(visit, { url: '/?utm_source=%00x' })],
  [
    'a UTM parameter cut inside a surrogate pair',
    pageview(visit, { url: `/?utm_campaign=a${'😀'.repeat(200)}` }),
  ],
];

describe('a hostile beacon', () => {
  it.each(HOSTILE)(
    'with %s is refused or stored, and the next page view lands within seconds',
    async (_name, event) => {
      const site = await createSite();
      const first = await post(batch(site, [{ ...event, id: `${event.id as string}x` }]));
      expect([202, 400]).toContain(first.status);
      // No manual retry: the object's own alarm flushes, as in production.
      const good = pageview(newVisit(), { url: '/after' });
      expect((await post(batch(site, [good]))).status).toBe(202);
      await pollUntil(
        async () => {
          const pages = await rows<{ path: string }>('session_pages', site, 'path');
          return pages.some((p) => p.path === '/after');
        },
        { timeoutMs: 8_000 },
      );
      if (first.status === 202) {
        // Answered 202: stored, or dead-lettered with a reason. Never lost in silence.
        await pollUntil(async () => {
          const stored = (await rows<{ id: string }>('events', site, 'id')).length;
          const s = await stats(site);
          return stored + s.deadLetter.events === 2;
        });
      }
    },
  );
});
