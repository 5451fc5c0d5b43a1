/**
 * Renders docs/benchmarks.md from every bench/results/**\/*.json. System results (this package)
 * carry a ready table; other areas' files have their own shapes, so those are rendered
 * generically: scalar figures as "figure | value" rows, arrays of flat objects as tables.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { machine } from './machine.js';
import { fromRoot, resultsDir } from './paths.js';
import { COMMAND, type Row, type SystemResult } from './results.js';

interface ResultFile {
  area: string;
  file: string;
  data: unknown;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'tmp') files.push(...(await walk(path)));
    else if (entry.isFile() && entry.name.endsWith('.json')) files.push(path);
  }
  return files.sort();
}

export async function loadResults(): Promise<ResultFile[]> {
  const out: ResultFile[] = [];
  for (const path of await walk(resultsDir)) {
    const rel = relative(resultsDir, path);
    try {
      out.push({
        area: rel.split('/')[0]!,
        file: rel,
        data: JSON.parse(await readFile(path, 'utf8')) as unknown,
      });
    } catch {
      out.push({ area: rel.split('/')[0]!, file: rel, data: { error: 'unreadable JSON' } });
    }
  }
  return out;
}

const cell = (value: unknown): string => {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'boolean') return value ? 'pass' : '**FAIL**';
  if (typeof value === 'number')
    return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const short = text.length > 140 ? `${text.slice(0, 137)}…` : text;
  return short.replace(/\|/g, '\\|').replace(/\n/g, ' ');
};

function table(headers: string[], rows: unknown[][]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

function systemTable(rows: Row[]): string {
  return table(
    ['metric', 'median', 'p95', 'p99', 'baseline (same run)', 'ratio', 'target', 'pass/fail'],
    rows.map((r) => [
      r.unit ? `${r.metric} (${r.unit})` : r.metric,
      r.median,
      r.p95,
      r.p99,
      r.baseline === undefined
        ? ''
        : `${cell(r.baseline)}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}`,
      r.ratio,
      r.target,
      r.pass,
    ]),
  );
}

const isScalar = (v: unknown) => ['number', 'string', 'boolean'].includes(typeof v);
const isFlatObjectArray = (v: unknown): v is Record<string, unknown>[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x));

/** Generic rendering for an area's own JSON shape. */
function genericSection(data: unknown): string {
  const scalars: [string, unknown][] = [];
  const tables: string[] = [];
  const visit = (value: unknown, path: string, depth: number): void => {
    if (isScalar(value)) {
      scalars.push([path, value]);
    } else if (isFlatObjectArray(value)) {
      const columns = [
        ...new Set(value.flatMap((row) => Object.keys(row).filter((k) => isScalar(row[k])))),
      ];
      if (columns.length > 0)
        tables.push(
          `*${path}*\n\n${table(
            columns,
            value.slice(0, 40).map((row) => columns.map((c) => row[c])),
          )}`,
        );
    } else if (Array.isArray(value)) {
      if (value.every(isScalar) && value.length <= 12) scalars.push([path, value.join(', ')]);
    } else if (value && typeof value === 'object' && depth < 4) {
      const entries = Object.entries(value);
      // A map of named cases with scalar fields (e.g. { "overview, today": { p50_ms, … } }).
      if (
        entries.length > 1 &&
        entries.every(([, v]) => v && typeof v === 'object' && !Array.isArray(v)) &&
        entries.every(([, v]) => Object.values(v as object).every(isScalar))
      ) {
        const columns = [...new Set(entries.flatMap(([, v]) => Object.keys(v as object)))];
        tables.push(
          `*${path || 'results'}*\n\n${table(
            ['case', ...columns],
            entries.map(([k, v]) => [k, ...columns.map((c) => (v as Record<string, unknown>)[c])]),
          )}`,
        );
        return;
      }
      for (const [k, v] of entries) visit(v, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  visit(data, '', 0);
  const parts: string[] = [];
  if (scalars.length) parts.push(table(['figure', 'value'], scalars.slice(0, 60)));
  parts.push(...tables);
  return parts.join('\n\n');
}

const isSystem = (data: unknown): data is SystemResult =>
  !!data && typeof data === 'object' && Array.isArray((data as SystemResult).table);

export async function renderBenchmarks(): Promise<string> {
  const results = await loadResults();
  const m = machine();
  const lines: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by bench/src/render.ts from bench/results/**/*.json: do not edit by hand. -->',
    '',
    `Command: \`${COMMAND}\` (the system benchmarks, then this page from every area's results); \`pnpm bench\` at the root runs every package's own benchmark first.`,
    '',
    `Rendered ${new Date().toISOString()} on ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}); load average ${m.loadAverage} at render time.`,
    '',
    'Absolute numbers on a shared 2-core machine are noisy: read the ratios against baselines measured in the same run. Each area lists when and where its figures were measured.',
    '',
    'Every percentile (p50, p95, p99) is nearest-rank: the sample of rank ⌈p/100 · n⌉, a measured value, never an interpolation (`percentile` of @sightline/test-utils, used by every benchmark). A median of runs is the middle run (the mean of the two middle ones for an even count).',
    '',
  ];
  const system = results.filter((r) => isSystem(r.data));
  const targeted = system.flatMap(({ data }) =>
    (data as SystemResult).table
      .filter((row) => row.target !== undefined && row.pass !== undefined)
      .map((row) => [(data as SystemResult).title, row] as const),
  );
  if (targeted.length) {
    lines.push('## Targets at a glance', '');
    lines.push(
      table(
        ['benchmark', 'metric', 'median', 'p95', 'target', 'pass/fail'],
        targeted.map(([title, r]) => [
          title,
          r.unit ? `${r.metric} (${r.unit})` : r.metric,
          r.median,
          r.p95,
          r.target,
          r.pass,
        ]),
      ),
      '',
    );
  }
  if (system.length) {
    lines.push('## System benchmarks (bench/)', '');
    for (const { file, data } of system) {
      const s = data as SystemResult;
      lines.push(`### ${s.title}`, '');
      lines.push(
        `\`bench/results/${file}\` · ${s.date} · ${s.machine.nproc} × ${s.machine.cpuModel}, Node ${s.machine.node}, load ${s.machine.loadAverage} at start`,
        '',
      );
      lines.push(`Method: ${s.method}`, '');
      lines.push(systemTable(s.table), '');
      for (const note of s.notes) lines.push(`- ${note}`);
      if (s.notes.length) lines.push('');
    }
  }
  const others = results.filter((r) => !isSystem(r.data));
  if (others.length) {
    lines.push('## Per-package benchmarks', '');
    for (const { area, file, data } of others) {
      lines.push(`### ${area}: \`bench/results/${file}\``, '');
      lines.push(genericSection(data), '');
    }
  }
  return lines.join('\n');
}

export async function writeBenchmarksDoc(): Promise<string> {
  const path = fromRoot('docs/benchmarks.md');
  await writeFile(path, await renderBenchmarks());
  return path;
}
