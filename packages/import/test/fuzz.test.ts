/**
 * Truncated and mutated exports end in a clean parse or an `ImportError`: never another kind
 * of exception, never a hang (each case must settle within a few seconds).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../src/index.js';
import { collect } from '../src/testing.js';
import {
  bytesOf,
  plausibleFiles,
  plausibleZip,
  postgresCsv,
  UMAMI_HEADER,
  umamiRows,
} from './fixtures.js';

async function settles(input: Uint8Array, name: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    collect(input, { name, timeZone: 'Europe/Berlin' }).then(
      () => 'parsed',
      (e: unknown) => e,
    ),
    new Promise((resolve) => (timer = setTimeout(() => resolve('hang'), 5000))),
  ]);
  clearTimeout(timer);
  expect(outcome).not.toBe('hang');
  if (outcome !== 'parsed') {
    if (!(outcome instanceof ImportError)) console.error(outcome);
    expect(outcome).toBeInstanceOf(ImportError);
  }
}

const mutation = (length: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.integer({ min: 0, max: length }) }),
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.integer({ min: 0, max: length - 1 }),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.integer({ min: 0, max: length - 1 }),
      count: fc.integer({ min: 1, max: 64 }),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.integer({ min: 0, max: length }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
  );

type Mutation = { kind: string; at: number; byte?: number; count?: number; bytes?: Uint8Array };

function mutate(input: Uint8Array, ms: Mutation[]): Uint8Array {
  let out = input.slice();
  for (const m of ms) {
    const at = Math.min(m.at, out.length);
    if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'flip' && at < out.length) out[at] = m.byte!;
    else if (m.kind === 'delete')
      out = new Uint8Array([...out.subarray(0, at), ...out.subarray(at + m.count!)]);
    else if (m.kind === 'insert')
      out = new Uint8Array([...out.subarray(0, at), ...m.bytes!, ...out.subarray(at)]);
  }
  return out;
}

describe('fuzz: truncated and mutated exports', () => {
  const inputs: Record<string, Uint8Array> = {};
  beforeAll(async () => {
    inputs.zip = await plausibleZip(plausibleFiles());
    inputs.deflated = await plausibleZip(plausibleFiles(), 'deflate');
    const umami = postgresCsv(
      UMAMI_HEADER,
      umamiRows(
        Array.from({ length: 30 }, (_, i) => ({
          session: `s${i % 7}`,
          visit: `v${i % 11}`,
          at: `2024-03-30 2${i % 4}:0${i % 10}:00`,
          path: `/p${i % 3}`,
          type: i % 5 === 0 ? 2 : 1,
          name: 'signup',
          referrer: 'www.google.com',
        })),
      ),
    );
    inputs.umami = new TextEncoder().encode(umami);
    inputs.gzip = await bytesOf(
      new Blob([umami])
        .stream()
        .pipeThrough(new CompressionStream('gzip')) as ReadableStream<Uint8Array>,
    );
  });

  for (const [kind, name, runs] of [
    ['zip', 'export.zip', 150],
    ['deflated', 'export.zip', 150],
    ['umami', 'website_event.csv', 150],
    ['gzip', 'website_event.csv.gz', 100],
  ] as const)
    it(`${kind}: every mutation settles as records or an ImportError`, async () => {
      const input = inputs[kind]!;
      await fc.assert(
        fc.asyncProperty(
          fc.array(mutation(input.length), { minLength: 1, maxLength: 3 }),
          async (ms) => settles(mutate(input, ms), name),
        ),
        { numRuns: runs },
      );
    });

  it('arbitrary bytes settle too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom('x.zip', 'imported_pages_20240101_20240102.csv', 'website_event.csv'),
        async (bytes, name) => settles(bytes, name),
      ),
      { numRuns: 300 },
    );
  });
});
