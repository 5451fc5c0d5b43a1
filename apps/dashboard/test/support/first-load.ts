/**
 * What a browser downloads before the dashboard can paint: the entry script of the built
 * index.html and every chunk it imports statically (not the lazy map chunks), gzip-sized.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface FirstLoad {
  files: { file: string; bytes: number; gzip: number }[];
  jsGzip: number;
  cssGzip: number;
}

const STATIC_IMPORT = /(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+\.js)["']/g;

export function firstLoad(distDir: string): FirstLoad {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  const css = [...html.matchAll(/<link rel="stylesheet"[^>]+href="\/([^"]+\.css)"/g)].map(
    (m) => m[1]!,
  );
  const seen = new Set<string>();
  const queue = [...entries, ...preloads];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(distDir, file), 'utf8');
    const dir = file.slice(0, file.lastIndexOf('/') + 1);
    for (const m of code.matchAll(STATIC_IMPORT)) queue.push(dir + m[1]!.slice(2));
  }
  const size = (file: string) => {
    const buf = readFileSync(join(distDir, file));
    return { file, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  };
  const js = [...seen].map(size);
  const styles = css.map(size);
  return {
    files: [...js, ...styles],
    jsGzip: js.reduce((n, f) => n + f.gzip, 0),
    cssGzip: styles.reduce((n, f) => n + f.gzip, 0),
  };
}
