// Auth latencies through the gateway with the official supabase-js, and what verifying user
// tokens at the gateway costs a PostgREST request (a user-token request against an anon-key
// request in the same run). Prints medians; needs a build.
// Run: pnpm --filter @sightline/devstack exec node bench/auth.mjs [rounds]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
/* global fetch -- Node 20's global fetch */
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startDevstack } from '../dist/index.js';

const ROUNDS = Number(process.argv[2] ?? 50);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(fn) {
  const samples = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return Math.round(median(samples) * 100) / 100;
}

const root = await mkdtemp(join(tmpdir(), 'devstack-auth-bench-'));
const stack = await startDevstack({
  dataDir: join(root, 'data'),
  migrationsDir: undefined,
  auth: { enableConfirmations: false, emailMaxFrequencySeconds: 0 },
});
try {
  const client = createClient(stack.url, stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket },
  });
  await client.auth.signUp({ email: 'bench@example.com', password: 'bench-password' });
  const session = (await client.auth.getSession()).data.session;
  const rest = (token) =>
    fetch(`${stack.url}/rest/v1/`, {
      headers: { apikey: stack.publishableKey, authorization: `Bearer ${token}` },
    }).then((response) => response.arrayBuffer());
  let refresh = session.refresh_token;
  const results = {
    rounds: ROUNDS,
    passwordSignInMs: await timed(() =>
      client.auth.signInWithPassword({ email: 'bench@example.com', password: 'bench-password' }),
    ),
    refreshMs: await timed(async () => {
      refresh = (await client.auth.refreshSession({ refresh_token: refresh })).data.session
        .refresh_token;
    }),
    getUserMs: await timed(() => client.auth.getUser(session.access_token)),
    restWithAnonKeyMs: await timed(() => rest(stack.anonKey)),
    restWithUserTokenMs: await timed(() => rest(session.access_token)),
  };
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
} finally {
  await stack.stop();
  await rm(root, { recursive: true, force: true });
}
