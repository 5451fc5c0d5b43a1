/* eslint-disable @typescript-eslint/no-unsafe-assignment -- vitest's asymmetric matchers (expect.any) are typed any */
import { AuthApiError } from '@supabase/auth-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeOf,
  follow,
  fragmentOf,
  lastSeq,
  linkOf,
  nextMail,
  supabase,
  unique,
} from './auth-helpers.js';
import { startTestStack, type TestStack } from './helpers.js';

// The official supabase-js (and its @supabase/auth-js), unmodified, against the devstack's Auth.
let t: TestStack;

/** auth-js turns Auth's `session_not_found` (the session has ended) into this error. */
const SESSION_GONE = 'AuthSessionMissingError';

beforeAll(async () => {
  // Reuse counts at once here, so the test need not wait out GoTrue's 10 s default; hosted
  // Supabase's one e-mail a minute, so the rate limit test holds on a slow machine too.
  t = await startTestStack(
    {},
    { auth: { refreshTokenReuseIntervalSeconds: 0, emailMaxFrequencySeconds: 60 } },
  );
});

afterAll(async () => {
  await t?.cleanup();
});

async function confirmedUser(password = 'correct horse'): Promise<string> {
  const email = unique('user');
  const after = await lastSeq(t.stack);
  const { error } = await supabase(t.stack).auth.signUp({ email, password });
  expect(error).toBeNull();
  await follow(linkOf(await nextMail(t.stack, email, after)));
  return email;
}

describe('sign-up with confirmations on', () => {
  it('sends a confirmation e-mail, refuses the password until confirmed, and the link signs in', async () => {
    const email = unique('signup');
    const client = supabase(t.stack);
    const after = await lastSeq(t.stack);
    const signUp = await client.auth.signUp({
      email,
      password: 'hunter22',
      options: { data: { name: 'Ada' }, emailRedirectTo: 'http://127.0.0.1:5999/welcome' },
    });
    expect(signUp.error).toBeNull();
    expect(signUp.data.session).toBeNull();
    expect(signUp.data.user).toMatchObject({ email, user_metadata: { name: 'Ada' } });
    expect(signUp.data.user?.email_confirmed_at).toBeUndefined();

    const early = await client.auth.signInWithPassword({ email, password: 'hunter22' });
    expect(early.error).toBeInstanceOf(AuthApiError);
    expect(early.error?.code).toBe('email_not_confirmed');

    const mail = await nextMail(t.stack, email, after);
    expect(mail.subject).toBe('Confirm Your Signup');
    const landed = await follow(linkOf(mail));
    expect(landed.origin + landed.pathname).toBe('http://127.0.0.1:5999/welcome');
    const fragment = fragmentOf(landed);
    expect(fragment.get('type')).toBe('signup');
    expect(fragment.get('token_type')).toBe('bearer');
    const session = await client.auth.setSession({
      access_token: fragment.get('access_token')!,
      refresh_token: fragment.get('refresh_token')!,
    });
    expect(session.error).toBeNull();
    expect(session.data.user?.email_confirmed_at).toEqual(expect.any(String));

    const signIn = await client.auth.signInWithPassword({ email, password: 'hunter22' });
    expect(signIn.error).toBeNull();
    expect(signIn.data.session?.user.email).toBe(email);
  });

  it('confirms with the e-mailed code too (verifyOtp type email)', async () => {
    const email = unique('code');
    const client = supabase(t.stack);
    const after = await lastSeq(t.stack);
    await client.auth.signUp({ email, password: 'hunter22' });
    const mail = await nextMail(t.stack, email, after);
    const verified = await client.auth.verifyOtp({ email, token: codeOf(mail), type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.session?.user.email).toBe(email);
    // A code works once.
    const again = await client.auth.verifyOtp({ email, token: codeOf(mail), type: 'email' });
    expect(again.error?.code).toBe('otp_expired');
  });

  it('answers a repeated sign-up of a confirmed address without revealing it or sending mail', async () => {
    const email = await confirmedUser();
    const after = await lastSeq(t.stack);
    const repeat = await supabase(t.stack).auth.signUp({ email, password: 'whatever1' });
    expect(repeat.error).toBeNull();
    expect(repeat.data.user?.identities).toEqual([]);
    const { messages } = (await (
      await fetch(`${t.stack.inboxUrl}/api/messages?to=${email}&after=${after}`)
    ).json()) as { messages: unknown[] };
    expect(messages).toEqual([]);
  });

  it('answers two sign-ups of one new address at once without a server error', async () => {
    // Regression: the second insert hit the unique e-mail and answered 500.
    const email = unique('race');
    const results = await Promise.all(
      [1, 2].map(() => supabase(t.stack).auth.signUp({ email, password: 'hunter22' })),
    );
    // The later one is a duplicate (email_exists), or, when it starts after the first committed,
    // a repeated sign-up within the e-mail frequency limit.
    for (const { error } of results)
      expect([null, 'email_exists', 'over_email_send_rate_limit']).toContain(error?.code ?? null);
    expect(results.some(({ error }) => error === null)).toBe(true);
  });

  it('refuses weak passwords and bad addresses with GoTrue error codes', async () => {
    const weak = await supabase(t.stack).auth.signUp({ email: unique('weak'), password: '123' });
    expect(weak.error?.code).toBe('weak_password');
    expect(weak.error?.status).toBe(422);
    const bad = await supabase(t.stack).auth.signUp({
      email: 'not-an-address',
      password: 'hunter22',
    });
    expect(bad.error?.code).toBe('validation_failed');
  });
});

describe('passwordless sign-in', () => {
  it('magic link, implicit flow: the link redirects with the session in the fragment', async () => {
    const email = await confirmedUser();
    const client = supabase(t.stack);
    const after = await lastSeq(t.stack);
    const sent = await client.auth.signInWithOtp({
      email,
      options: { emailRedirectTo: 'http://127.0.0.1:5999/app', shouldCreateUser: false },
    });
    expect(sent.error).toBeNull();
    const mail = await nextMail(t.stack, email, after);
    expect(mail.subject).toBe('Your Magic Link');
    const fragment = fragmentOf(await follow(linkOf(mail)));
    expect(fragment.get('type')).toBe('magiclink');
    const { data } = await client.auth.setSession({
      access_token: fragment.get('access_token')!,
      refresh_token: fragment.get('refresh_token')!,
    });
    expect(data.user?.email).toBe(email);
    // The link is single-use: following it again lands with an error instead.
    const second = fragmentOf(await follow(linkOf(mail)));
    expect(second.get('error_code')).toBe('otp_expired');
  });

  it('magic link, PKCE flow (what the dashboard uses): ?code= exchanged with the verifier', async () => {
    const email = await confirmedUser();
    const client = supabase(t.stack, t.stack.publishableKey, { flowType: 'pkce' });
    const after = await lastSeq(t.stack);
    await client.auth.signInWithOtp({
      email,
      options: { emailRedirectTo: 'http://127.0.0.1:5999/cb' },
    });
    const mail = await nextMail(t.stack, email, after);
    expect(linkOf(mail)).toContain('token=pkce_');
    const landed = await follow(linkOf(mail));
    expect(landed.pathname).toBe('/cb');
    const code = landed.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    expect(landed.hash).toBe('');

    // Another client (no code verifier) cannot use the code.
    const thief = supabase(t.stack, t.stack.publishableKey, { flowType: 'pkce' });
    const stolen = await thief.auth.exchangeCodeForSession(code!);
    expect(stolen.error).not.toBeNull();

    const exchanged = await client.auth.exchangeCodeForSession(code!);
    expect(exchanged.error).toBeNull();
    expect(exchanged.data.session?.user.email).toBe(email);
    const claims = (await client.auth.getClaims()).data?.claims;
    expect(claims?.amr).toEqual([{ method: 'magiclink', timestamp: expect.any(Number) }]);
  });

  it('e-mail OTP code: signInWithOtp then verifyOtp, creating the user when allowed', async () => {
    const email = unique('otp');
    const client = supabase(t.stack);
    const refused = await client.auth.signInWithOtp({
      email,
      options: { shouldCreateUser: false },
    });
    expect(refused.error?.code).toBe('otp_disabled');

    const after = await lastSeq(t.stack);
    expect((await client.auth.signInWithOtp({ email })).error).toBeNull();
    // A new address gets the sign-up confirmation, whose code signs in as well.
    const mail = await nextMail(t.stack, email, after);
    expect(mail.subject).toBe('Confirm Your Signup');
    const verified = await client.auth.verifyOtp({ email, token: codeOf(mail), type: 'email' });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email).toBe(email);
  });

  it('limits how often one address is sent mail (over_email_send_rate_limit)', async () => {
    const email = await confirmedUser();
    const client = supabase(t.stack);
    expect((await client.auth.signInWithOtp({ email })).error).toBeNull();
    const again = await client.auth.signInWithOtp({ email });
    expect(again.error?.code).toBe('over_email_send_rate_limit');
    expect(again.error?.status).toBe(429);
  });
});

describe('sessions', () => {
  it('signs in with a password and refuses a wrong one as invalid_credentials', async () => {
    const email = await confirmedUser('right password');
    const wrong = await supabase(t.stack).auth.signInWithPassword({
      email,
      password: 'wrong password',
    });
    expect(wrong.error?.code).toBe('invalid_credentials');
    expect(wrong.error?.message).toBe('Invalid login credentials');
    const right = await supabase(t.stack).auth.signInWithPassword({
      email,
      password: 'right password',
    });
    expect(right.data.session?.token_type).toBe('bearer');
    expect(right.data.session?.expires_in).toBeGreaterThan(3500);
  });

  it('rotates refresh tokens and ends the session when a rotated token is reused', async () => {
    const email = await confirmedUser('pass-word');
    const client = supabase(t.stack);
    const first = (await client.auth.signInWithPassword({ email, password: 'pass-word' })).data
      .session!;
    const second = (await client.auth.refreshSession({ refresh_token: first.refresh_token })).data
      .session!;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // Presenting the parent of the active token again (a lost response) returns the active one.
    const retried = await client.auth.refreshSession({ refresh_token: first.refresh_token });
    expect(retried.data.session?.refresh_token).toBe(second.refresh_token);
    const third = (await client.auth.refreshSession({ refresh_token: second.refresh_token })).data
      .session!;

    const reused = await client.auth.refreshSession({ refresh_token: first.refresh_token });
    expect(reused.error?.code).toBe('refresh_token_already_used');
    // The whole session is gone: its newest refresh token and its access token no longer work.
    const after = await client.auth.refreshSession({ refresh_token: third.refresh_token });
    expect(after.error?.code).toBe('refresh_token_not_found');
    const user = await client.auth.getUser(third.access_token);
    expect(user.error?.name).toBe(SESSION_GONE);
  });

  it('signs out with scopes local, others and global', async () => {
    const email = await confirmedUser('scopes!');
    const sign = async () => {
      const client = supabase(t.stack);
      await client.auth.signInWithPassword({ email, password: 'scopes!' });
      return client;
    };
    const [a, b, c] = [await sign(), await sign(), await sign()];
    const tokenOf = async (client: typeof a) =>
      (await client.auth.getSession()).data.session!.access_token;
    const [ta, tb, tc] = [await tokenOf(a), await tokenOf(b), await tokenOf(c)];
    // Checks go through a client of their own: auth-js drops its session on session_not_found.
    const probe = supabase(t.stack);

    expect((await a.auth.signOut({ scope: 'others' })).error).toBeNull();
    expect((await probe.auth.getUser(ta)).error).toBeNull();
    expect((await probe.auth.getUser(tb)).error?.name).toBe(SESSION_GONE);
    expect((await probe.auth.getUser(tc)).error?.name).toBe(SESSION_GONE);

    expect((await a.auth.signOut({ scope: 'local' })).error).toBeNull();
    expect((await probe.auth.getUser(ta)).error?.name).toBe(SESSION_GONE);
    expect((await a.auth.getSession()).data.session).toBeNull();

    const d = await sign();
    const e = await sign();
    const td = await tokenOf(d);
    expect((await e.auth.signOut()).error).toBeNull(); // global is the default
    expect((await probe.auth.getUser(td)).error?.name).toBe(SESSION_GONE);
  });

  it('getUser and updateUser: metadata, a new password (other sessions end)', async () => {
    const email = await confirmedUser('old password');
    const client = supabase(t.stack);
    const other = supabase(t.stack);
    await client.auth.signInWithPassword({ email, password: 'old password' });
    await other.auth.signInWithPassword({ email, password: 'old password' });
    const otherToken = (await other.auth.getSession()).data.session!.access_token;

    const got = await client.auth.getUser();
    expect(got.data.user?.email).toBe(email);
    const same = await client.auth.updateUser({ password: 'old password' });
    expect(same.error?.code).toBe('same_password');
    const updated = await client.auth.updateUser({
      password: 'new password',
      data: { plan: 'pro' },
    });
    expect(updated.error).toBeNull();
    expect(updated.data.user?.user_metadata).toMatchObject({ plan: 'pro' });

    expect((await client.auth.getUser()).error).toBeNull();
    expect((await other.auth.getUser(otherToken)).error?.name).toBe(SESSION_GONE);
    const old = await supabase(t.stack).auth.signInWithPassword({
      email,
      password: 'old password',
    });
    expect(old.error?.code).toBe('invalid_credentials');
    const fresh = await supabase(t.stack).auth.signInWithPassword({
      email,
      password: 'new password',
    });
    expect(fresh.error).toBeNull();
  });

  it('changes the e-mail address once both addresses confirm (secure e-mail change)', async () => {
    const email = await confirmedUser('change me');
    const client = supabase(t.stack);
    await client.auth.signInWithPassword({ email, password: 'change me' });
    const newEmail = unique('moved');
    const after = await lastSeq(t.stack);
    const requested = await client.auth.updateUser({ email: newEmail });
    expect(requested.error).toBeNull();
    expect(requested.data.user).toMatchObject({ email, new_email: newEmail });

    const toNew = await nextMail(t.stack, newEmail, after);
    const toCurrent = await nextMail(t.stack, email, after);
    expect(toNew.subject).toBe('Confirm Email Change');
    const first = await client.auth.verifyOtp({
      email: newEmail,
      token: codeOf(toNew),
      type: 'email_change',
    });
    expect(first.error).toBeNull();
    expect(first.data.session).toBeNull();
    expect((await client.auth.getUser()).data.user?.email).toBe(email);
    const second = fragmentOf(await follow(linkOf(toCurrent)));
    expect(second.get('type')).toBe('email_change');
    expect((await client.auth.getUser()).data.user?.email).toBe(newEmail);
  });

  it('resets a password from the recovery e-mail', async () => {
    const email = await confirmedUser('forgotten');
    const client = supabase(t.stack);
    const after = await lastSeq(t.stack);
    expect((await client.auth.resetPasswordForEmail(email)).error).toBeNull();
    const mail = await nextMail(t.stack, email, after);
    expect(mail.subject).toBe('Reset Your Password');
    const verified = await client.auth.verifyOtp({ email, token: codeOf(mail), type: 'recovery' });
    expect(verified.error).toBeNull();
    expect((await client.auth.updateUser({ password: 'remembered' })).error).toBeNull();
    const signIn = await supabase(t.stack).auth.signInWithPassword({
      email,
      password: 'remembered',
    });
    expect(signIn.error).toBeNull();
  });
});

describe('tokens and keys', () => {
  it('issues ES256 access tokens with GoTrue claims that getClaims verifies from the JWKS', async () => {
    const email = await confirmedUser('claims!');
    const client = supabase(t.stack);
    const session = (await client.auth.signInWithPassword({ email, password: 'claims!' })).data
      .session!;
    const { data, error } = await client.auth.getClaims();
    expect(error).toBeNull();
    expect(data?.header).toMatchObject({
      alg: 'ES256',
      typ: 'JWT',
      kid: t.stack.jwks.keys[0]!.kid,
    });
    expect(data?.claims).toMatchObject({
      iss: t.stack.authUrl,
      aud: 'authenticated',
      role: 'authenticated',
      sub: session.user.id,
      email,
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: expect.any(Number) }],
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      is_anonymous: false,
    });
    expect(data!.claims.exp - data!.claims.iat).toBe(3600);
  });

  it('publishes the public key at /.well-known/jwks.json without an apikey', async () => {
    const response = await fetch(t.stack.jwksUrl);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      kid: expect.any(String),
    });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('answers errors in both API versions, with x-sb-error-code', async () => {
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'x' });
    const headers = { apikey: t.stack.publishableKey, 'content-type': 'application/json' };
    const modern = await fetch(`${t.stack.authUrl}/token?grant_type=password`, {
      method: 'POST',
      body,
      headers: { ...headers, 'x-supabase-api-version': '2024-01-01' },
    });
    expect(modern.status).toBe(400);
    expect(modern.headers.get('x-sb-error-code')).toBe('invalid_credentials');
    expect(await modern.json()).toEqual({
      code: 'invalid_credentials',
      message: 'Invalid login credentials',
    });
    const legacy = await fetch(`${t.stack.authUrl}/token?grant_type=password`, {
      method: 'POST',
      body,
      headers,
    });
    expect(await legacy.json()).toEqual({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    });
    const notJson = await fetch(`${t.stack.authUrl}/signup`, {
      method: 'POST',
      body: '{',
      headers,
    });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('x-sb-error-code')).toBe('bad_json');
  });
});

describe('admin API with the secret key', () => {
  it('creates, lists, invites, links and deletes users', async () => {
    const admin = supabase(t.stack, t.stack.secretKey).auth.admin;
    const email = unique('admin');
    const created = await admin.createUser({ email, password: 'by admin', email_confirm: true });
    expect(created.error).toBeNull();
    expect(created.data.user?.email_confirmed_at).toEqual(expect.any(String));
    const duplicate = await admin.createUser({ email, password: 'by admin' });
    expect(duplicate.error?.code).toBe('email_exists');
    expect(
      (await supabase(t.stack).auth.signInWithPassword({ email, password: 'by admin' })).error,
    ).toBeNull();

    const listed = await admin.listUsers({ page: 1, perPage: 1000 });
    expect(listed.data.users.map((user) => user.email)).toContain(email);

    const invitee = unique('invitee');
    const after = await lastSeq(t.stack);
    const invited = await admin.inviteUserByEmail(invitee, {
      redirectTo: 'http://127.0.0.1:5999/join',
    });
    expect(invited.data.user?.invited_at).toEqual(expect.any(String));
    const mail = await nextMail(t.stack, invitee, after);
    expect(mail.subject).toBe('You have been invited');
    const fragment = fragmentOf(await follow(linkOf(mail)));
    expect(fragment.get('type')).toBe('invite');
    expect(fragment.get('access_token')).toEqual(expect.any(String));

    const link = await admin.generateLink({ type: 'magiclink', email });
    expect(link.error).toBeNull();
    expect(link.data.properties?.verification_type).toBe('magiclink');
    expect(
      fragmentOf(await follow(link.data.properties!.action_link)).get('access_token'),
    ).toBeTruthy();

    expect((await admin.deleteUser(created.data.user!.id)).error).toBeNull();
    expect((await admin.getUserById(created.data.user!.id)).error?.code).toBe('user_not_found');
  });

  it('refuses the admin API to user tokens and the publishable key', async () => {
    const email = await confirmedUser('not admin');
    const client = supabase(t.stack);
    const session = (await client.auth.signInWithPassword({ email, password: 'not admin' })).data
      .session!;
    const response = await fetch(`${t.stack.authUrl}/admin/users`, {
      headers: { apikey: t.stack.publishableKey, authorization: `Bearer ${session.access_token}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-sb-error-code')).toBe('not_admin');
    const anon = await supabase(t.stack).auth.admin.listUsers();
    expect(anon.error?.status).toBe(403);
  });
});
