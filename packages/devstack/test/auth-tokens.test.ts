import { generateKeyPair, importJWK, SignJWT, UnsecuredJWT } from 'jose';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supabase, unique } from './auth-helpers.js';
import { startTestStack, type TestStack } from './helpers.js';
import { Inbox } from './realtime-helpers.js';

// One token policy at Auth, PostgREST (behind the gateway) and Realtime.
let t: TestStack;
let db: pg.Client;

beforeAll(async () => {
  t = await startTestStack(
    {
      // A throwaway table whose RLS reads auth.uid(), the way site membership will.
      '20240101000000_notes.sql': `
        create table public.notes (
          id bigserial primary key,
          owner uuid not null default auth.uid(),
          body text not null
        );
        alter table public.notes enable row level security;
        create policy notes_own on public.notes for all to authenticated
          using (owner = auth.uid()) with check (owner = auth.uid());
        alter publication supabase_realtime add table public.notes;
        create function public.whoami() returns jsonb language sql stable as $$
          select jsonb_build_object('uid', auth.uid(), 'role', auth.role(), 'session', auth.jwt() ->> 'session_id')
        $$;`,
    },
    { auth: { enableConfirmations: false } },
  );
  db = new pg.Client({ connectionString: t.stack.dbUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await t?.cleanup();
});

async function signedIn() {
  const client = supabase(t.stack);
  const { data, error } = await client.auth.signUp({ email: unique('rls'), password: 'pass-word' });
  expect(error).toBeNull();
  expect(data.session).not.toBeNull();
  return { client, id: data.user!.id };
}

describe('a signed-in user at PostgREST', () => {
  it('reaches PostgREST with auth.uid() set, so RLS on auth.uid() decides', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const who = await a.client.rpc('whoami');
    const sessionId = (await a.client.auth.getClaims()).data?.claims.session_id;
    expect(who.data).toEqual({ uid: a.id, role: 'authenticated', session: sessionId });
    expect((await a.client.from('notes').insert({ body: 'from a' })).error).toBeNull();
    expect((await b.client.from('notes').insert({ body: 'from b' })).error).toBeNull();
    const forged = await a.client.from('notes').insert({ body: 'as b', owner: b.id });
    expect(forged.error?.code).toBe('42501'); // RLS with check
    expect((await a.client.from('notes').select('body, owner')).data).toEqual([
      { body: 'from a', owner: a.id },
    ]);
    expect((await b.client.from('notes').select('body')).data).toEqual([{ body: 'from b' }]);
    expect((await supabase(t.stack).from('notes').select('body')).data).toEqual([]);
  });

  it('still accepts legacy HS256 tokens signed with the JWT secret', async () => {
    const a = await signedIn();
    const legacy = await t.stack.signToken(
      { sub: a.id, role: 'authenticated', aud: 'authenticated', iss: 'sightline' },
      { algorithm: 'HS256' },
    );
    const response = await fetch(`${t.stack.url}/rest/v1/rpc/whoami`, {
      method: 'POST',
      headers: { apikey: t.stack.publishableKey, authorization: `Bearer ${legacy}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ uid: a.id, role: 'authenticated' });
    const user = await fetch(`${t.stack.authUrl}/user`, {
      headers: { apikey: t.stack.publishableKey, authorization: `Bearer ${legacy}` },
    });
    expect(user.status).toBe(200);
  });

  it('accepts tokens minted elsewhere with stack.signingKey, as with an imported signing key', async () => {
    const a = await signedIn();
    const { kid, alg } = t.stack.signingKey;
    expect(alg).toBe('ES256');
    expect(t.stack.jwks.keys.map((key) => key.kid)).toEqual([kid]);
    const minted = await new SignJWT({ sub: a.id, role: 'authenticated' })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(t.stack.authUrl)
      .setAudience('authenticated')
      .setExpirationTime('1m')
      .sign(await importJWK(t.stack.signingKey, 'ES256'));
    const response = await fetch(`${t.stack.url}/rest/v1/rpc/whoami`, {
      method: 'POST',
      headers: { apikey: t.stack.publishableKey, authorization: `Bearer ${minted}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ uid: a.id, role: 'authenticated' });
  });
});

describe('bad tokens are refused by Auth, PostgREST and Realtime', () => {
  const now = () => Math.floor(Date.now() / 1000);
  let userId: string;
  let claims: Record<string, unknown>;
  const bad: Record<string, string> = {};

  beforeAll(async () => {
    userId = (await signedIn()).id;
    claims = { sub: userId, role: 'authenticated', aud: 'authenticated', iss: t.stack.authUrl };
    const kid = t.stack.jwks.keys[0]!.kid!;
    const stranger = await generateKeyPair('ES256');
    bad.expired = await t.stack.signToken(claims, { exp: now() - 60 });
    bad.forgedEs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(stranger.privateKey);
    bad.forgedHs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
    bad.wrongAudience = await t.stack.signToken({ ...claims, aud: 'someone-else' });
    bad.wrongIssuer = await t.stack.signToken({
      ...claims,
      iss: 'https://attacker.example/auth/v1',
    });
    bad.algNone = new UnsecuredJWT({ ...claims, role: 'service_role' })
      .setExpirationTime('1h')
      .encode();
  });

  it('the valid token of the same claims passes everywhere (the control)', async () => {
    const good = await t.stack.signToken(claims);
    const headers = { apikey: t.stack.publishableKey, authorization: `Bearer ${good}` };
    expect((await fetch(`${t.stack.authUrl}/user`, { headers })).status).toBe(200);
    expect((await fetch(`${t.stack.url}/rest/v1/notes`, { headers })).status).toBe(200);
    expect(await realtimeJoin(good)).toEqual({ status: 'ok', response: {} });
  });

  it.each(['expired', 'forgedEs256', 'forgedHs256', 'wrongAudience', 'wrongIssuer', 'algNone'])(
    '%s: Auth answers 403 bad_jwt, the gateway 401 PGRST301, Realtime refuses the join',
    async (name) => {
      const token = bad[name]!;
      const headers = { apikey: t.stack.publishableKey, authorization: `Bearer ${token}` };
      const auth = await fetch(`${t.stack.authUrl}/user`, { headers });
      expect(auth.status).toBe(403);
      expect(auth.headers.get('x-sb-error-code')).toBe('bad_jwt');

      const rest = await fetch(`${t.stack.url}/rest/v1/notes`, { headers });
      expect(rest.status).toBe(401);
      expect(await rest.json()).toMatchObject({ code: 'PGRST301' });

      const join = await realtimeJoin(token);
      expect(join.status).toBe('error');
      expect(join.response.reason).toMatch(/^InvalidJWTToken: /);
    },
  );

  it.each(['expired', 'forgedEs256', 'forgedHs256', 'wrongAudience', 'algNone'])(
    '%s: PostgREST itself refuses it too (its JWK set and jwt-aud, without the gateway)',
    async (name) => {
      const response = await fetch(`${t.stack.postgrestUrl}/notes`, {
        headers: { authorization: `Bearer ${bad[name]!}` },
      });
      expect(response.status).toBe(401);
    },
  );

  it('PostgREST 12 alone does not check the issuer, which is why the gateway does', async () => {
    const response = await fetch(`${t.stack.postgrestUrl}/notes`, {
      headers: { authorization: `Bearer ${bad.wrongIssuer!}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('Realtime with a signed-in user', () => {
  it('verifies the ES256 access token and delivers only the rows RLS lets the user read', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const changes = new Inbox<{ new: { body: string } }>();
    await new Promise<void>((resolve, reject) => {
      a.client
        .channel('notes-a')
        .on(
          'postgres_changes',
          { event: 'INSERT', schema: 'public', table: 'notes' },
          changes.push as never,
        )
        .subscribe((status, error) => {
          if (String(status) === 'SUBSCRIBED') resolve();
          else if (String(status) !== 'CLOSED')
            reject(new Error(`${status}: ${error?.message ?? ''}`));
        });
    });
    await db.query(`insert into public.notes (owner, body) values ($1, 'for b'), ($2, 'for a')`, [
      b.id,
      a.id,
    ]);
    expect((await changes.next()).new.body).toBe('for a');
    await db.query(`insert into public.notes (owner, body) values ($1, 'for a again')`, [a.id]);
    await changes.next((change) => change.new.body === 'for a again');
    expect(changes.items.map((change) => change.new.body)).toEqual(['for a', 'for a again']);
    await a.client.removeAllChannels();
  });
});

/** Joins a channel over a raw socket (apikey: the publishable key) and returns the join reply. */
async function realtimeJoin(
  token: string,
): Promise<{ status: string; response: { reason?: string } }> {
  const url = `${t.stack.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${t.stack.publishableKey}&vsn=1.0.0`;
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const reply = new Promise<{ payload: { status: string; response: { reason?: string } } }>(
    (resolve) =>
      ws.once('message', (data) =>
        resolve(JSON.parse((data as Buffer).toString('utf8')) as Parameters<typeof resolve>[0]),
      ),
  );
  ws.send(
    JSON.stringify({
      topic: 'realtime:probe',
      event: 'phx_join',
      payload: { config: {}, access_token: token },
      ref: '1',
      join_ref: '1',
    }),
  );
  const { payload } = await reply;
  ws.close();
  return payload;
}
