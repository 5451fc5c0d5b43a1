// The benchmarks time the reading RPCs through callRpc (@sightline/test-utils), a bare POST to
// PostgREST without a client library: it must be answered exactly as the dashboard's
// postgrest-js call is, and refused the same way, with the status and body kept.
import { callRpc, RpcError } from '@sightline/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc } from './support/rpc.js';
import { createSite, startTestStack, type TestStack } from './support/stack.js';
import { generateTraffic, toBatches } from './support/traffic.js';

let t: TestStack;
const range = {
  p_from: new Date(Date.now() - 86_400_000).toISOString(),
  p_to: new Date(Date.now() + 3_600_000).toISOString(),
};

beforeAll(async () => {
  t = await startTestStack();
  await createSite(t.db, { id: 'alpha' });
  const traffic = generateTraffic({
    siteId: 'alpha',
    idPrefix: 'call-rpc',
    seed: 5,
    startMs: Date.now() - 3_600_000,
    spanMs: 1_800_000,
    visitors: 5,
    sessions: 8,
  });
  for (const batch of toBatches(traffic, 40, 'call-rpc'))
    await rpc(t.service, 'ingest_batch', { payload: batch });
});

afterAll(async () => {
  await t?.stop();
});

describe('callRpc', () => {
  it('gets what the dashboard gets for its token', async () => {
    const token = await t.token(['alpha']);
    const target = { url: t.stack.url, apikey: t.stack.anonKey, token };
    const dashboard = await t.dashboard(['alpha']);
    for (const [fn, args] of [
      ['stats_overview', {}],
      ['stats_breakdown', { p_dimension: 'page' }],
      ['stats_timeseries', { p_resolution: 'hour' }],
    ] as const) {
      const call = { p_site: 'alpha', ...range, ...args };
      const viaClient = await rpc(dashboard, fn, call);
      expect(viaClient, fn).not.toEqual([]);
      expect(await callRpc(target, fn, call), fn).toEqual(viaClient);
    }
  });

  it("is refused as the dashboard is, keeping PostgREST's status and body", async () => {
    const token = await t.token(['beta']);
    const error = await callRpc(
      { url: t.stack.url, apikey: t.stack.anonKey, token },
      'stats_overview',
      {
        p_site: 'alpha',
        ...range,
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'RPC_FAILED', fn: 'stats_overview', status: 403 });
    expect(JSON.parse((error as RpcError).body)).toMatchObject({ code: '42501' });
    await expect(
      callRpc({ url: t.stack.url, apikey: t.stack.anonKey }, 'no_such_function'),
    ).rejects.toMatchObject({ code: 'RPC_FAILED', status: 404 });
  });
});
