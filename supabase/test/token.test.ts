// The token CLI as an operator runs it: `node bin/sightline.js token ...` (what
// `pnpm sightline token` runs). Its tokens open PostgREST in security.test.ts.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt, importJWK, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseTtl } from '../src/token.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'sightline.js');
const SECRET = 'test-secret-that-is-at-least-32-characters-long';
const run = promisify(execFile);

function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  return run(process.execPath, [CLI, ...args], { cwd: options.cwd ?? tmpdir(), env });
}

describe('sightline token', () => {
  it('signs an HS256 dashboard token with role authenticated and the site ids', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { stdout, stderr } = await cli([
      'token',
      '--site',
      'a',
      '--site',
      'b',
      '--ttl',
      '2h',
      '--secret',
      SECRET,
    ]);
    const { payload, protectedHeader } = await jwtVerify(
      stdout.trim(),
      new TextEncoder().encode(SECRET),
    );
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ role: 'authenticated', site_ids: ['a', 'b'] });
    expect(payload.exp! - payload.iat!).toBe(7200);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(stderr).toMatch(/--secret/);
    expect(payload.sub).toBe('service:a,b');
  });

  it('signs with a signing key (--key or SIGHTLINE_SIGNING_KEY), its kid and the project issuer', async () => {
    const { stdout: jwkText } = await cli(['signing-key']);
    const jwk = JSON.parse(jwkText) as JWK & { kid: string };
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwk.kid).toMatch(/^[0-9a-f-]{36}$/);
    const { d: _private, ...publicJwk } = jwk;
    const { stdout } = await cli([
      'token',
      '--site',
      'a',
      '--key',
      jwkText.trim(),
      '--url',
      'https://ref.supabase.co/',
    ]);
    const { payload, protectedHeader } = await jwtVerify(
      stdout.trim(),
      await importJWK(publicJwk, 'ES256'),
      { issuer: 'https://ref.supabase.co/auth/v1', audience: 'authenticated' },
    );
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: jwk.kid });
    expect(payload).toMatchObject({ role: 'authenticated', site_ids: ['a'] });
    const fromEnv = await cli(['token', '--site', 'a'], {
      env: { SIGHTLINE_SIGNING_KEY: jwkText, SUPABASE_URL: 'https://ref.supabase.co' },
    });
    expect(decodeJwt(fromEnv.stdout.trim()).iss).toBe('https://ref.supabase.co/auth/v1');
    await expect(cli(['token', '--site', 'a', '--key', jwkText.trim()])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/NO_ISSUER/) as string,
    });
    await expect(cli(['token', '--site', 'a', '--key', '{"kty":"EC"}'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/INVALID_KEY/) as string,
    });
  });

  it('wraps the legacy secret as an oct JWK that signs the same tokens', async () => {
    const { stdout: jwkText } = await cli(['signing-key', '--legacy-secret', SECRET]);
    expect(JSON.parse(jwkText)).toMatchObject({ kty: 'oct', alg: 'HS256' });
    const { stdout } = await cli(['token', '--site', 'a', '--key', jwkText.trim()]);
    await expect(jwtVerify(stdout.trim(), new TextEncoder().encode(SECRET))).resolves.toBeTruthy();
  });

  it('takes the secret from SUPABASE_JWT_SECRET, and defaults to 30 days', async () => {
    const { stdout } = await cli(['token', '--site', 'demo'], {
      env: { SUPABASE_JWT_SECRET: SECRET },
    });
    const { payload } = await jwtVerify(stdout.trim(), new TextEncoder().encode(SECRET));
    expect(payload.exp! - payload.iat!).toBe(30 * 86_400);
  });

  it("falls back to the local devstack's secret under the workspace root", async () => {
    const root = await mkdtemp(join(tmpdir(), 'sightline-cli-'));
    try {
      await writeFile(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
      await mkdir(join(root, '.sightline', 'devstack'), { recursive: true });
      await writeFile(
        join(root, '.sightline', 'devstack', 'secrets.json'),
        JSON.stringify({ jwtSecret: SECRET }),
      );
      await mkdir(join(root, 'apps', 'x'), { recursive: true });
      const { stdout } = await cli(['token', '--site', 'demo'], { cwd: join(root, 'apps', 'x') });
      await expect(
        jwtVerify(stdout.trim(), new TextEncoder().encode(SECRET)),
      ).resolves.toBeTruthy();
      expect(decodeJwt(stdout.trim()).site_ids).toEqual(['demo']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('fails with a reason: no secret, no site, bad ttl, unknown command', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sightline-cli-'));
    try {
      await expect(cli(['token', '--site', 'a'], { cwd: root })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/no signing key/) as string,
      });
      await expect(cli(['token', '--secret', SECRET])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/--site/) as string,
      });
      await expect(
        cli(['token', '--site', 'a', '--secret', SECRET, '--ttl', 'soon']),
      ).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/invalid --ttl/) as string,
      });
      await expect(cli(['mint'])).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/usage/) as string,
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('parses ttls', () => {
    expect([
      parseTtl('90'),
      parseTtl('15m'),
      parseTtl('12h'),
      parseTtl('30d'),
      parseTtl('1w'),
    ]).toEqual([90, 900, 43_200, 2_592_000, 604_800]);
    expect(() => parseTtl('0')).toThrow(/positive/);
  });
});
