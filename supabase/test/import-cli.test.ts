// `sightline import` and `sightline export` as an operator runs them (the bin, a child process)
// against a real devstack: by URL and secret key, and through the local devstack that `pnpm dev`
// advertises in .sightline/ (a workspace made up for the test).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plausibleFiles, zipOf } from './support/imports.js';
import { rpc } from './support/rpc.js';
import { startTestStack, type TestStack } from './support/stack.js';

const BIN = fileURLToPath(new URL('../bin/sightline.js', import.meta.url));
let t: TestStack;
let dir: string;

function sightline(
  args: string[],
  cwd = dir,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, SUPABASE_URL: '', SUPABASE_SECRET_KEY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  t = await startTestStack();
  dir = await mkdtemp(join(tmpdir(), 'sightline-import-cli-'));
  await t.db.query(
    "insert into public.sites (id, name, domains, timezone) values ('cli', 'CLI', '{shop.example}', 'UTC'), ('cli2', 'CLI 2', '{}', 'UTC')",
  );
}, 120_000);

afterAll(async () => {
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sightline import', () => {
  it('starts a local devstack for the import when none runs, and stops it', async () => {
    // A workspace with no .sightline/: the command starts a devstack on .sightline/devstack,
    // which holds no sites yet, so the site is not found; the stack is stopped either way.
    const root = join(dir, 'fresh');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
    const file = join(dir, 'fresh.zip');
    await writeFile(file, await zipOf(plausibleFiles(['2024-02-01'])));
    const run = await sightline(['import', file, '--site', 'nowhere.example'], root);
    expect(run.stderr).toContain(
      `starting the local devstack on ${join(root, '.sightline', 'devstack')}`,
    );
    expect(run.stderr).toMatch(/no site "nowhere\.example" .*\(site_not_found\)/);
    expect(run.code).toBe(1);
    // Stopped: nothing holds its data directory any more.
    expect(existsSync(join(root, '.sightline', 'devstack', 'devstack.lock.json'))).toBe(false);
  }, 120_000);

  it('imports by domain, prints a summary, and a second run changes nothing', async () => {
    const file = join(dir, 'plausible_export.zip');
    await writeFile(file, await zipOf(plausibleFiles(['2024-02-01', '2024-02-02'])));
    const target = ['--url', t.stack.url, '--secret-key', t.stack.secretKey];
    const first = await sightline(['import', file, '--site', 'shop.example', ...target]);
    expect(first.stderr).toMatch(/records\/s/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/imported plausible_export\.zip into site "cli"/);
    expect(first.stdout).toMatch(/format\s+plausible/);
    expect(first.stdout).toMatch(/days\s+2 \(2024-02-01 to 2024-02-02\)/);
    const again = await sightline(['import', file, '--site', 'cli', ...target]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already imported .*nothing changed/);
    const { rows } = await t.db.query<{ n: string }>(
      "select count(*) as n from public.imports where site_id = 'cli'",
    );
    expect(rows[0]?.n).toBe('1');
  });

  it('refuses a malformed file naming the file, line, column and code, exit 1', async () => {
    const files = plausibleFiles(['2024-02-05']);
    const name = Object.keys(files).find((n) => n.startsWith('imported_visitors'))!;
    files[name] = files[name]!.replace('"2024-02-05",100', '"2024-02-05","many"');
    const file = join(dir, 'broken.zip');
    await writeFile(file, await zipOf(files));
    const run = await sightline([
      'import',
      file,
      '--site',
      'cli',
      '--url',
      t.stack.url,
      '--secret-key',
      t.stack.secretKey,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${name}, line 2, column 2 (visitors)`);
    expect(run.stderr).toMatch(/\(invalid_number\)/);
    const missing = await sightline(['import', join(dir, 'nope.zip'), '--site', 'cli']);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      expect.stringMatching(/no such file \(NO_FILE\)/),
    ]);
    const usage = await sightline(['import', file]);
    expect(usage.code).toBe(2);
  });

  it('finds the local devstack pnpm dev runs, and exports a site that imports into another', async () => {
    // A workspace whose .sightline/ says where its devstack runs, as `pnpm dev` writes it.
    const root = join(dir, 'workspace');
    await mkdir(join(root, '.sightline', 'devstack'), { recursive: true });
    await writeFile(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
    await writeFile(
      join(root, '.sightline', 'dashboard-config.json'),
      JSON.stringify({ supabaseUrl: t.stack.url }),
    );
    await writeFile(
      join(root, '.sightline', 'devstack', 'secrets.json'),
      JSON.stringify({ secretKey: t.stack.secretKey }),
    );
    const out = join(dir, 'cli-export.zip');
    const exported = await sightline(
      ['export', '--site', 'cli', '--from', '2024-02-01', '--to', '2024-02-03', '--out', out],
      root,
    );
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toMatch(/exported site "cli" from the local devstack .*3 days/);
    const imported = await sightline(['import', out, '--site', 'cli2'], root);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/format\s+sightline/);
    const totals = (site: string) =>
      rpc<{ visits: number; pageviews: number }>(t.service, 'stats_overview', {
        p_site: site,
        p_from: '2024-02-01T00:00:00Z',
        p_to: '2024-02-04T00:00:00Z',
      });
    expect(await totals('cli2')).toMatchObject({ visits: 240, pageviews: 600 });
    expect((await totals('cli2')).visits).toBe((await totals('cli')).visits);
  });
});
