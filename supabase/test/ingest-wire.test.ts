// ingest_batch takes a flush in two forms: the compact wire form the Worker sends
// (toIngestWire) and the object form (IngestBatch). Both must leave exactly the same rows, also
// for events whose context differs from their session's, events of sessions the flush carries
// no row for, sessions twice in one flush, out-of-order and repeated flushes, and object-form
// flushes that mix sites.
import {
  toIngestWire,
  type IngestBatch,
  type IngestBatchResult,
  type IngestWire,
} from '@sightline/schema';
import { mulberry32 } from '@sightline/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { rpc } from './support/rpc.js';
import { generateTraffic, toBatches } from './support/traffic.js';
import { fingerprint } from './support/fingerprint.js';

const DAY = 86_400_000;
const START = Date.parse('2026-03-27T12:00:00Z'); // spans the switch to summer time in Berlin

let t: TestStack;
const ingest = (payload: IngestBatch | IngestWire) =>
  rpc<IngestBatchResult>(t.service, 'ingest_batch', { payload });

/** The flushes of one site, with the awkward cases mixed in. */
function flushes(siteId: string): IngestBatch[] {
  const traffic = generateTraffic({
    siteId,
    idPrefix: 'same',
    seed: 11,
    startMs: START,
    spanMs: 3 * DAY,
    visitors: 30,
    sessions: 160,
  });
  const random = mulberry32(3);
  const batches = toBatches(traffic, 40, 'wire').map((batch, i) => ({
    ...batch,
    // A phone that changed cells: some events carry another place than their session.
    events: batch.events.map((e, j) =>
      (i + j) % 7 === 0 ? { ...e, country: 'FR', region: 'IDF', city: 'Paris', latitude: 1.5 } : e,
    ),
    // A swept session state: the events stay, the row is missing; another session twice.
    sessions:
      i % 3 === 0
        ? batch.sessions.slice(1)
        : i % 3 === 1
          ? [...batch.sessions, { ...batch.sessions[0]!, pageviews: 0, engaged_ms: 0 }]
          : batch.sessions,
  }));
  const shuffled = batches.sort(() => random() - 0.5);
  // Repeated states under new batch ids (a retry the Worker could not recognise).
  return [
    ...shuffled,
    ...shuffled.slice(0, 4).map((b) => ({ ...b, batch_id: `${b.batch_id}-again`, events: [] })),
  ];
}

beforeAll(async () => {
  t = await startTestStack();
  for (const id of ['object', 'wire', 'mixed-a', 'mixed-b', 'apart-a', 'apart-b']) {
    await createSite(t.db, { id, timezone: 'Europe/Berlin' });
  }
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

describe('ingest_batch wire form', () => {
  it('leaves exactly the rows of the object form, with the same results', async () => {
    const object = flushes('object');
    const wire = flushes('wire');
    for (let i = 0; i < object.length; i++) {
      const batch = wire[i]!;
      const sent = toIngestWire(batch);
      expect('v' in sent).toBe(true);
      const [a, b] = [await ingest(object[i]!), await ingest(sent)];
      expect({ ...b, batch_id: a.batch_id }).toEqual(a);
    }
    // Replaying a wire flush changes nothing.
    expect(await ingest(toIngestWire(wire[0]!))).toMatchObject({ duplicate: true });
    const [a, b] = [await fingerprint(t.db, 'object'), await fingerprint(t.db, 'wire')];
    expect(Number(a.events!.split(':')[0])).toBeGreaterThan(500);
    expect(b).toEqual(a);
  });

  it('applies an object-form flush that mixes sites as each site on its own', async () => {
    const a = flushes('mixed-a');
    const b = flushes('mixed-b');
    for (let i = 0; i < a.length; i++) {
      const result = await ingest({
        batch_id: `mixed-${i}`,
        store_raw: true,
        events: [...a[i]!.events, ...b[i]!.events],
        sessions: [...b[i]!.sessions, ...a[i]!.sessions],
        visitors: [...a[i]!.visitors, ...b[i]!.visitors],
      });
      expect(result.events).toBe(a[i]!.events.length + b[i]!.events.length);
    }
    for (const batch of flushes('apart-a')) await ingest(toIngestWire(batch));
    for (const batch of flushes('apart-b')) await ingest(toIngestWire(batch));
    expect(await fingerprint(t.db, 'mixed-a')).toEqual(await fingerprint(t.db, 'apart-a'));
    expect(await fingerprint(t.db, 'mixed-b')).toEqual(await fingerprint(t.db, 'apart-b'));
  });

  it('skips the rows of an unknown site', async () => {
    const [batch] = flushes('nowhere');
    expect(await ingest(toIngestWire(batch!))).toEqual({
      batch_id: batch!.batch_id,
      duplicate: false,
      events: 0,
      sessions: 0,
      visitors: 0,
    });
  });
});
