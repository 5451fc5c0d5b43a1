/**
 * Who gets in, end to end: real users of the devstack's Auth (signed in with auth-js), the ingest
 * Worker (workerd) verifying their tokens from the project's JWKS and minting passes with the
 * project's signing key, PostgREST and Realtime deciding from membership. A member of site A
 * gets nothing of site B from any Worker route; expired, forged, wrong-audience and `alg: none`
 * tokens are refused by every route; a removed member and a revoked share link lose their live
 * channel; invitations are e-mailed by Auth and accepted for the confirmed address.
 */
import { generateKeyPair, SignJWT } from 'jose';
import { startDevstack, type Devstack } from '@sightline/devstack';
import { signDashboardToken } from '@sightline/database/token';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createUser,
  linkOf,
  nextMail,
  rest,
  until,
  watch,
  type User,
  type Watched,
} from '../src/accounts.js';
import { fromRoot } from '../src/paths.js';
import { startIngestWorker, type IngestWorker } from '../src/worker.js';

let stack: Devstack;
let worker: IngestWorker;
let dataDir: string;
let alice: User; // owner of "a"
let bob: User; // owner of "b"
let carol: User; // viewer of "a"
const watching: Watched[] = [];
/** The Worker's passes last 5 s here, so that expiry is seen within a test. */
const PASS_SECONDS = 5;

async function api(
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${worker.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const errorCode = (r: { body: Record<string, unknown> }) =>
  (r.body.error as { code?: string } | undefined)?.code;

async function livePass(token: string, site?: string): Promise<string> {
  const r = await api('/v1/live-pass', { token, body: site ? { site } : {} });
  expect(r.status).toBe(200);
  return r.body.token as string;
}

async function joinLive(token: string, site: string): Promise<Watched> {
  const w = await watch(stack, token, `site:${site}`);
  watching.push(w);
  return w;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sightline-e2e-access-'));
  stack = await startDevstack({ dataDir, migrationsDir: fromRoot('supabase/migrations') });
  worker = await startIngestWorker({
    supabaseUrl: stack.url,
    secretKey: stack.secretKey,
    publishableKey: stack.publishableKey,
    signingKey: stack.signingKey,
    vars: { LIVE_PASS_TTL_SECONDS: String(PASS_SECONDS) },
  });
  [alice, bob, carol] = await Promise.all([
    createUser(stack, 'alice'),
    createUser(stack, 'bob'),
    createUser(stack, 'carol'),
  ]);
  await call(alice.rest, 'create_site', { p_id: 'a', p_name: 'Site A', p_public_live: false });
  await call(bob.rest, 'create_site', { p_id: 'b', p_name: 'Site B', p_public_live: false });
  await call(bob.rest, 'create_site', { p_id: 'open', p_name: 'Open', p_public_live: true });
  await call(alice.rest, 'invite_member', { p_site: 'a', p_email: carol.email });
  await call(carol.rest, 'accept_invitations', {});
});

afterAll(async () => {
  for (const w of watching) await w.stop();
  await worker?.stop();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a member of site A, at every Worker route that reads a site', () => {
  it('gets site A and nothing of site B', async () => {
    // Live passes: one for A; asked for B, refused.
    expect(errorCode(await api('/v1/live-pass', { token: alice.token, body: { site: 'b' } }))).toBe(
      'not_readable',
    );
    const pass = await livePass(alice.token, 'a');
    // Asked for a site, the pass is also the watch signal: its answer carries A's snapshot.
    const watched = await api('/v1/live-pass', { token: alice.token, body: { site: 'a' } });
    expect(watched.body.watch).toMatchObject({ site: 'a', renewMs: 30_000 });
    expect((watched.body.watch as { messages: unknown[] }).messages).toHaveLength(1);
    // The watch route (clients without a pass) is authorised the same way.
    expect((await api('/v1/sites/a/watch', { token: alice.token, body: {} })).status).toBe(200);
    expect(errorCode(await api('/v1/sites/b/watch', { token: alice.token, body: {} }))).toBe(
      'not_readable',
    );
    // The pass is the member's identity for a few seconds: it joins A's topic, not B's.
    expect((await joinLive(pass, 'a')).status).toBe('SUBSCRIBED');
    expect((await joinLive(pass, 'b')).status).not.toBe('SUBSCRIBED');
    // The live count of a site that does not publish it.
    expect((await api('/v1/sites/a/live', { token: alice.token })).status).toBe(200);
    const countOfB = await api('/v1/sites/b/live', { token: alice.token });
    expect([countOfB.status, errorCode(countOfB)]).toEqual([403, 'not_readable']);
    expect(errorCode(await api('/v1/sites/b/live'))).toBe('not_public');
    expect((await api('/v1/sites/open/live')).body).toMatchObject({ site: 'open', visitorsNow: 0 });
    // A site's pipeline: its owners and admins, and the secret key.
    expect((await api('/v1/health/sites/a', { token: alice.token })).status).toBe(200);
    expect(errorCode(await api('/v1/health/sites/b', { token: alice.token }))).toBe('not_readable');
    expect(errorCode(await api('/v1/health/sites/a', { token: carol.token }))).toBe('not_allowed');
    expect((await api('/v1/health/sites/b', { token: stack.secretKey })).status).toBe(200);
    // Invitations.
    const invite = await api('/v1/sites/b/invitations', {
      token: alice.token,
      body: { email: 'spy@example.com' },
    });
    expect([invite.status, errorCode(invite)]).toEqual([403, 'not_readable']);
    const viewerInvites = await api('/v1/sites/a/invitations', {
      token: carol.token,
      body: { email: 'friend@example.com' },
    });
    expect([viewerInvites.status, errorCode(viewerInvites)]).toEqual([403, 'not_allowed']);
  });

  it("is a service token's too: `pnpm sightline token` signed with the project's signing key", async () => {
    const service = await signDashboardToken({
      siteIds: ['a'],
      key: stack.signingKey,
      issuer: stack.authUrl,
      ttlSeconds: 600,
    });
    const pass = await livePass(service, 'a');
    expect(errorCode(await api('/v1/live-pass', { token: service, body: { site: 'b' } }))).toBe(
      'not_readable',
    );
    expect((await joinLive(pass, 'a')).status).toBe('SUBSCRIBED');
    expect((await joinLive(pass, 'b')).status).not.toBe('SUBSCRIBED');
    // The legacy secret is not what this project signs with, so its tokens are refused.
    const legacy = await signDashboardToken({
      siteIds: ['a'],
      secret: stack.jwtSecret,
      ttlSeconds: 600,
    });
    expect(errorCode(await api('/v1/live-pass', { token: legacy, body: {} }))).toBe(
      'invalid_token',
    );
  });
});

describe('bad tokens', () => {
  it('are refused by every route that takes one: expired, forged, wrong audience, alg none', async () => {
    const claims = {
      role: 'authenticated',
      sub: alice.id,
      aud: 'authenticated',
      iss: stack.authUrl,
    };
    const now = Math.floor(Date.now() / 1000);
    const { privateKey } = await generateKeyPair('ES256');
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad: Record<string, [string, string]> = {
      expired: [await stack.signToken(claims, { exp: now - 5 }), 'token_expired'],
      forged: [
        await new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: stack.signingKey.kid, typ: 'JWT' })
          .setExpirationTime(now + 60)
          .sign(privateKey),
        'invalid_token',
      ],
      'wrong audience': [
        await stack.signToken({ ...claims, aud: 'elsewhere' }, { expiresIn: 60 }),
        'invalid_token',
      ],
      'wrong issuer': [
        await stack.signToken(
          { ...claims, iss: 'https://evil.example/auth/v1' },
          { expiresIn: 60 },
        ),
        'invalid_token',
      ],
      'alg none': [
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now + 60 })}.`,
        'invalid_token',
      ],
      garbage: ['not-a-token', 'invalid_token'],
    };
    const routes: [string, { method?: string; body?: unknown }][] = [
      ['/v1/live-pass', { body: {} }],
      ['/v1/share/pass', { body: {} }],
      ['/v1/sites/a/invitations', { body: { email: 'x@example.com' } }],
      ['/v1/sites/a/watch', { body: {} }],
      ['/v1/sites/a/live', {}],
      ['/v1/health/sites/a', {}],
    ];
    for (const [name, [token, code]] of Object.entries(bad)) {
      for (const [path, init] of routes) {
        const r = await api(path, { ...init, token });
        expect([name, path, r.status, errorCode(r)]).toEqual([name, path, 401, code]);
      }
    }
    // The control: the real token passes where it may.
    expect((await api('/v1/live-pass', { token: alice.token, body: {} })).status).toBe(200);
  });
});

describe('a removed member', () => {
  it('gets no new pass, and its open channel is closed at its renewal or at expiry', async () => {
    const dave = await createUser(stack, 'dave');
    const erin = await createUser(stack, 'erin');
    for (const user of [dave, erin]) {
      await call(alice.rest, 'invite_member', { p_site: 'a', p_email: user.email });
      await call(user.rest, 'accept_invitations', {});
    }
    const honest = await joinLive(await livePass(dave.token, 'a'), 'a');
    const stubborn = await joinLive(await livePass(erin.token, 'a'), 'a');
    expect([honest.status, stubborn.status]).toEqual(['SUBSCRIBED', 'SUBSCRIBED']);
    for (const user of [dave, erin])
      await call(alice.rest, 'remove_member', { p_site: 'a', p_user: user.id });

    // What the dashboard does on the `access` message: ask for a pass for the site. Refused.
    await until('the access message', () => honest.broadcasts.some((b) => b.event === 'access'));
    const refused = await api('/v1/live-pass', { token: dave.token, body: { site: 'a' } });
    expect([refused.status, errorCode(refused)]).toEqual([403, 'not_readable']);
    // Even a pass minted without the site check is refused by Realtime at the renewal.
    await honest.client.setAuth(await livePass(dave.token));
    await until('the honest channel closed', () => honest.statuses.includes('CLOSED'));
    // A client that renews nothing is closed when its pass expires.
    await until(
      'the stubborn channel closed',
      () => stubborn.statuses.includes('CLOSED'),
      (PASS_SECONDS + 5) * 1000,
    );
    expect(stubborn.system.map((s) => s.message)).toContain('Token has expired');
  });
});

describe('share links through the Worker', () => {
  it('open with the password, read the site minus hidden reports, renew, and stop at revocation', async () => {
    const link = await call<{ id: string; token: string }>(alice.rest, 'create_share_link', {
      p_site: 'a',
      p_password: 'letmein',
      p_hidden_reports: ['campaigns'],
    });
    expect(errorCode(await api('/v1/share/pass', { body: { token: link.token } }))).toBe(
      'password_required',
    );
    const wrong = await api('/v1/share/pass', { body: { token: link.token, password: 'nope' } });
    expect([wrong.status, errorCode(wrong)]).toEqual([401, 'wrong_password']);
    const opened = await api('/v1/share/pass', {
      body: { token: link.token, password: 'letmein' },
    });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ site: 'a', hidden: ['campaigns'] });
    const pass = opened.body.token as string;
    const range = {
      p_site: 'a',
      p_from: new Date(Date.now() - 3_600_000).toISOString(),
      p_to: new Date().toISOString(),
    };
    await call(rest(stack, pass), 'stats_overview', range);
    const hidden = await rest(stack, pass).rpc('stats_breakdown', {
      ...range,
      p_dimension: 'utm_source',
    });
    expect(hidden.error?.details).toBe('report_hidden');
    // A pass has role anon: PostgREST answers a refusal with 401.
    expect((await rest(stack, pass).rpc('stats_overview', { ...range, p_site: 'b' })).status).toBe(
      401,
    );
    // Renewed with the pass itself: no secret, no password.
    const renewed = await api('/v1/share/pass', { token: pass, body: {} });
    expect(renewed.status).toBe(200);
    // A link that shows the live view watches it: the renewal carries the snapshot.
    expect(renewed.body.watch).toMatchObject({ site: 'a', renewMs: 30_000 });
    const live = await joinLive(renewed.body.token as string, 'a');
    expect(live.status).toBe('SUBSCRIBED');
    expect((await joinLive(renewed.body.token as string, 'b')).status).not.toBe('SUBSCRIBED');

    await call(alice.rest, 'revoke_share_link', { p_id: link.id });
    const afterRevoke = await api('/v1/share/pass', { token: pass, body: {} });
    expect([afterRevoke.status, errorCode(afterRevoke)]).toEqual([410, 'share_revoked']);
    expect((await rest(stack, pass).rpc('stats_overview', range)).status).toBe(401);
    await until('the access message', () => live.broadcasts.some((b) => b.event === 'access'));
    // No new pass comes; the one held expires and Realtime closes the channel.
    await until(
      'the channel closed',
      () => live.statuses.includes('CLOSED'),
      (PASS_SECONDS + 5) * 1000,
    );
  });

  it('refuse an unknown link and too many password guesses', async () => {
    expect(errorCode(await api('/v1/share/pass', { body: { token: 'sl_nothing' } }))).toBe(
      'share_not_found',
    );
    const link = await call<{ token: string }>(alice.rest, 'create_share_link', {
      p_site: 'a',
      p_password: 'right',
    });
    let last = 0;
    for (let i = 0; i < 21; i++)
      last = (await api('/v1/share/pass', { body: { token: link.token, password: `x${i}` } }))
        .status;
    expect(last).toBe(429);
  });
});

describe('invitations through the Worker', () => {
  it('are e-mailed by Auth (an invite to a new address, a magic link to a known one) and accepted after the link', async () => {
    const newcomer = `newcomer-${Date.now()}@example.com`;
    const invited = await api('/v1/sites/a/invitations', {
      token: alice.token,
      body: { email: newcomer, role: 'admin', redirectTo: 'http://127.0.0.1:5999/' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      mail: 'invite',
      invitation: { email: newcomer, role: 'admin' },
    });
    const mail = await nextMail(stack, newcomer);
    expect(mail.subject).toBe('You have been invited');
    // The link signs the newcomer in (implicit flow: the session in the fragment).
    const landed = await fetch(linkOf(mail), { redirect: 'manual' });
    const fragment = new URLSearchParams(new URL(landed.headers.get('location')!).hash.slice(1));
    const token = fragment.get('access_token')!;
    expect(await call(rest(stack, token), 'accept_invitations', {})).toEqual([
      { site_id: 'a', role: 'admin' },
    ]);

    const known = await createUser(stack, 'known');
    const again = await api('/v1/sites/a/invitations', {
      token: alice.token,
      body: { email: known.email },
    });
    expect(again.body).toMatchObject({ mail: 'magiclink' });
    expect((await nextMail(stack, known.email)).subject).toBe('Your Magic Link');
    expect(await call(known.rest, 'accept_invitations', {})).toEqual([
      { site_id: 'a', role: 'viewer' },
    ]);
  });
});
