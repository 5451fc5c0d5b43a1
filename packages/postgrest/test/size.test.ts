/**
 * Bundle budget: src/index.ts bundled and minified by esbuild, then gzipped, must stay within
 * 3,000 bytes (postgrest-js 2.109 measures 5,098 the same way). It also must not reach for Node:
 * the client runs in Workers, Deno and browsers.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const BUDGET = 3000;

async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

describe('bundle size', () => {
  it(`is at most ${BUDGET} bytes gzip, bundled and minified`, async () => {
    const code = await bundle(fileURLToPath(new URL('../src/index.ts', import.meta.url)));
    const gz = gzipSync(code, { level: 9 }).length;
    console.info(`@sightline/postgrest: ${code.length} B minified, ${gz} B gzip`);
    expect(gz).toBeLessThanOrEqual(BUDGET);
  });

  it('is smaller than postgrest-js measured the same way', async () => {
    const ref = await bundle(fileURLToPath(import.meta.resolve('@supabase/postgrest-js')));
    const ours = await bundle(fileURLToPath(new URL('../src/index.ts', import.meta.url)));
    const a = gzipSync(ours, { level: 9 }).length;
    const b = gzipSync(ref, { level: 9 }).length;
    console.info(`postgrest-js 2.109: ${b} B gzip; ours ${a} B (${((a / b) * 100).toFixed(0)} %)`);
    expect(a).toBeLessThan(b);
  });

  it('uses no Node API', async () => {
    const code = await bundle(fileURLToPath(new URL('../src/index.ts', import.meta.url)));
    for (const s of ['node:', 'require(', 'process.', 'Buffer', '__dirname'])
      expect(code).not.toContain(s);
  });
});
