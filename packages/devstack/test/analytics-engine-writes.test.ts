/**
 * The local Analytics Engine's write path: data points checked against writeDataPoint's
 * limits, stored exactly (binary blobs included), visible to queries once the write returns,
 * concurrent writes grouped into inserts without losing any.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './analytics-engine-helpers.js';

let t: TestEngine;

beforeAll(async () => {
  t = await startTestEngine();
});

afterAll(async () => {
  await t?.cleanup();
});

describe('data points', () => {
  it('creates the dataset on its first write and makes the points visible when the write returns', async () => {
    expect(await t.write('visits', [{ indexes: ['site-1'], blobs: ['/'], doubles: [1] }])).toEqual({
      status: 200,
      body: { written: 1 },
    });
    expect((await t.json('SELECT index1, blob1, double1 FROM visits')).data).toEqual([
      { index1: 'site-1', blob1: '/', double1: '1' },
    ]);
    expect((await t.json('SHOW TABLES')).data).toEqual([{ dataset: 'visits' }]);
  });

  it('stores text with tabs, newlines and backslashes, and binary blobs, byte for byte', async () => {
    const text = 'tab\there\nnew line \\ back\\slash\r\0 zürich';
    const bytes = Buffer.from([0, 1, 9, 10, 92, 127, 128, 255]);
    await t.write('exact', [{ blobs: [text, { base64: bytes.toString('base64') }, null] }]);
    const r = await t.json<{ text: string; bytes: string; missing: string }>(
      'SELECT blob1 AS text, hex(blob2) AS bytes, blob3 AS missing FROM exact',
    );
    expect(r.data).toEqual([{ text, bytes: bytes.toString('hex').toUpperCase(), missing: '' }]);
  });

  it('stamps the write time, or keeps a given timestamp and sample interval (local history loads)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const past = Math.floor(Date.now() / 1000 - 30 * 86_400) * 1000;
    // Older than Analytics Engine's three months of retention: not kept.
    const expired = Date.now() - 100 * 86_400_000;
    await t.write('stamped', [
      { blobs: ['now'] },
      { blobs: ['then'], timestamp: past, sampleInterval: 10 },
      { blobs: ['expired'], timestamp: expired },
    ]);
    const r = await t.json<{ blob1: string; ts: number; _sample_interval: number }>(
      'SELECT blob1, toUnixTimestamp(timestamp) AS ts, _sample_interval FROM stamped ORDER BY blob1',
    );
    expect(Number(r.data[0]!.ts)).toBeGreaterThanOrEqual(before);
    expect(r.data[0]!._sample_interval).toBe(1);
    expect(r.data[1]).toEqual({ blob1: 'then', ts: past / 1000, _sample_interval: 10 });
    expect(r.rows).toBe(2);
  });

  it('loses no point of many concurrent writes', async () => {
    const writes = Array.from({ length: 40 }, (_, i) =>
      t.write(
        'concurrent',
        Array.from({ length: 25 }, (_, j) => ({ indexes: [`w${i}`], doubles: [j] })),
      ),
    );
    for (const result of await Promise.all(writes))
      expect(result).toEqual({ status: 200, body: { written: 25 } });
    expect(
      (await t.json('SELECT count() AS n, count(DISTINCT index1) AS writers FROM concurrent')).data,
    ).toEqual([{ n: '1000', writers: '40' }]);
  });

  const refused: [string, unknown][] = [
    ['more than 20 blobs', { blobs: Array.from({ length: 21 }, () => 'x') }],
    ['more than 20 doubles', { doubles: Array.from({ length: 21 }, () => 1) }],
    ['more than one index', { indexes: ['a', 'b'] }],
    ['an index over 96 bytes', { indexes: ['é'.repeat(49)] }],
    ['blobs over 16 KB in total', { blobs: ['x'.repeat(10_000), 'y'.repeat(7_000)] }],
    ['a double that is not a number', { doubles: ['1'] }],
    ['a blob that is not text or bytes', { blobs: [42] }],
    ['a timestamp that is not ms since the epoch', { timestamp: 'yesterday' }],
    ['a sample interval below 1', { sampleInterval: 0 }],
  ];
  it.each(refused)(
    'refuses %s (writeDataPoint would throw), and writes nothing of the request',
    async (_, point) => {
      const result = await t.write('refused', [{ blobs: ['fine'] }, point]);
      expect(result.status).toBe(400);
      expect(result.body.code).toBe('INVALID_DATA_POINT');
      expect((await t.sql('SELECT count() FROM refused')).code).toBe('UNKNOWN_DATASET');
    },
  );

  it('refuses a body that is not a JSON array, an invalid dataset name and a missing token', async () => {
    const post = (path: string, body: string, token = true) =>
      fetch(`${t.base}${path}`, {
        method: 'POST',
        headers: token ? { authorization: 'Bearer test-analytics-engine-token' } : {},
        body,
      });
    expect((await post('/analytics-engine/v1/datasets/x/points', '{"blobs":[]}')).status).toBe(400);
    expect((await post('/analytics-engine/v1/datasets/x/points', 'not json')).status).toBe(400);
    expect((await post('/analytics-engine/v1/datasets/bad%20name/points', '[{}]')).status).toBe(
      400,
    );
    expect((await post('/analytics-engine/v1/datasets/x/points', '[{}]', false)).status).toBe(403);
  });
});
