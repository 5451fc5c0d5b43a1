/** callRpc and userToken against a real devstack: its gateway, PostgREST and Auth's keys. */
import type { Devstack } from '@sightline/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRpc, RpcError, userToken } from '../src/index.js';
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
    const token = await userToken(stack, { site_ids: ['shop'] });
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
});

describe('userToken', () => {
  it("is what the stack's Auth issues: ES256 by its key, its issuer, audience authenticated", async () => {
    const token = await userToken(stack, { sub: 'u1' });
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as object);
    expect(header).toMatchObject({ alg: 'ES256', kid: stack.jwks.keys[0]!.kid });
    expect(payload).toMatchObject({
      sub: 'u1',
      role: 'authenticated',
      aud: 'authenticated',
      iss: stack.authUrl,
    });
  });

  it('signs with the legacy secret when asked, and honours exp (an expired token is refused)', async () => {
    const legacy = await userToken(stack, { site_ids: [1] }, { algorithm: 'HS256' });
    expect(JSON.parse(Buffer.from(legacy.split('.')[0]!, 'base64url').toString())).toMatchObject({
      alg: 'HS256',
    });
    const target = { url: stack.url, apikey: stack.anonKey };
    expect(await callRpc({ ...target, token: legacy }, 'whoami')).toMatchObject({ sites: [1] });
    const expired = await userToken(stack, {}, { exp: Math.floor(Date.now() / 1000) - 60 });
    await expect(callRpc({ ...target, token: expired }, 'whoami')).rejects.toMatchObject({
      status: 401,
    });
  });
});
