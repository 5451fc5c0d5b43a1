/** callRpc against a real devstack: its gateway and PostgREST. */
import type { Devstack } from '@sightline/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRpc, RpcError } from '../src/index.js';
import { startStack } from './stack.js';

let stack: Devstack;
let stop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ stack, stop } = await startStack());
});
afterAll(async () => {
  await stop?.();
});

describe('callRpc', () => {
  it('posts the named arguments and resolves with the parsed answer', async () => {
    const value = { site: 'shop', n: [1, 2], nested: { ok: true } };
    const anon = { url: stack.url, apikey: stack.anonKey };
    expect(await callRpc(anon, 'echo', { p_value: value })).toEqual(value);
    expect(await callRpc(anon, 'nothing')).toBeNull();
  });

  it('calls as the user of the token, and as anon without one', async () => {
    const token = await stack.signToken({
      role: 'authenticated',
      aud: 'authenticated',
      iss: stack.authUrl,
      site_ids: ['shop'],
    });
    expect(await callRpc({ url: stack.url, apikey: stack.anonKey, token }, 'whoami')).toEqual({
      role: 'authenticated',
      sites: ['shop'],
    });
    expect(await callRpc({ url: stack.url, apikey: stack.anonKey }, 'whoami')).toEqual({
      role: 'anon',
      sites: null,
    });
  });

  it("rejects with PostgREST's status and body", async () => {
    const error = await callRpc({ url: stack.url, apikey: stack.anonKey }, 'refuse').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: 'RPC_FAILED', fn: 'refuse', status: 400 });
    expect(JSON.parse((error as RpcError).body)).toMatchObject({
      code: 'P0001',
      message: 'refused on purpose',
    });
    await expect(
      callRpc({ url: stack.url, apikey: stack.anonKey }, 'no_such_function'),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('is refused 401 with an expired token', async () => {
    const expired = await stack.signToken(
      { role: 'authenticated', aud: 'authenticated', iss: stack.authUrl },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    );
    await expect(
      callRpc({ url: stack.url, apikey: stack.anonKey, token: expired }, 'whoami'),
    ).rejects.toMatchObject({ code: 'RPC_FAILED', status: 401 });
  });
});
