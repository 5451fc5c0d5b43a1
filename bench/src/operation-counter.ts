/**
 * Counts the billed operations of the ingest Worker from outside its Durable Object: a bench-only
 * entry module that re-exports the deployable bundle with its bindings wrapped (each SiteLive RPC
 * call by method, each alarm, each Analytics Engine point, each KV operation, each Worker request
 * by path), the counts kept in module scope of the isolate and read at `GET /__bench/operations`.
 *
 * SiteLive keeps its own counters in the object's memory, and a Durable Object nobody calls for a
 * while is evicted (workerd does it after seconds of inactivity, Cloudflare after a minute or two):
 * its next call constructs a fresh object with fresh counters. The wrapper's counts belong to the
 * isolate, not to an object, so they survive that; `do.constructed` says how often it happened.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The path the wrapper answers with its counts (JSON: operation → count). */
export const OPERATIONS_PATH = '/__bench/operations';

/** Operation names in the counts: `do.<method>`, `do.alarm`, `do.constructed`, `ae.<method>`, `kv.<method>`, `worker <path>`. */
export type Operations = Record<string, number>;

const ENTRY = `// Bench-only entry: the ingest Worker with counting bindings (bench/src/operation-counter.ts).
import worker, { SiteLive as Counted } from './index.js';

const counts = Object.create(null);
const add = (name) => {
  counts[name] = (counts[name] ?? 0) + 1;
};

function counting(target, prefix) {
  return new Proxy(target, {
    get(t, p) {
      const v = Reflect.get(t, p);
      if (typeof v !== 'function' || typeof p !== 'string') return v;
      return (...args) => {
        add(prefix + p);
        // Reflect.apply: on an RPC stub, v.apply would be a remote property named "apply".
        return Reflect.apply(v, t, args);
      };
    },
  });
}

const wrapped = new WeakMap();
function wrapEnv(env) {
  let w = wrapped.get(env);
  if (w) return w;
  w = { ...env };
  if (env.SITE_LIVE_DO) {
    // Only the stubs count (one call = one Durable Object request); ids and names pass through.
    const ns = env.SITE_LIVE_DO;
    w.SITE_LIVE_DO = new Proxy(ns, {
      get(t, p) {
        const v = Reflect.get(t, p);
        if (typeof v !== 'function') return v;
        if (p === 'get' || p === 'getByName')
          return (...args) => counting(Reflect.apply(v, t, args), 'do.');
        return v.bind(t);
      },
    });
  }
  if (env.SITES_KV) w.SITES_KV = counting(env.SITES_KV, 'kv.');
  if (env.EVENTS_AE) w.EVENTS_AE = counting(env.EVENTS_AE, 'ae.');
  wrapped.set(env, w);
  return w;
}

export class SiteLive extends Counted {
  constructor(ctx, env) {
    add('do.constructed');
    super(ctx, wrapEnv(env));
  }
  async alarm(...args) {
    add('do.alarm');
    return super.alarm(...args);
  }
}

export default {
  ...worker,
  fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === '${OPERATIONS_PATH}') return Response.json(counts);
    add('worker ' + path);
    return worker.fetch(request, wrapEnv(env), ctx);
  },
  scheduled(controller, env, ctx) {
    return worker.scheduled(controller, wrapEnv(env), ctx);
  },
};
`;

/** Writes the counting entry beside a `wrangler deploy --dry-run` output; returns its path. */
export async function writeCountingEntry(buildDir: string): Promise<string> {
  const path = join(buildDir, 'bench-operation-counter.js');
  await writeFile(path, ENTRY);
  return path;
}

/** The counts so far of a Worker started with `countOperations`. */
export async function operations(workerUrl: string): Promise<Operations> {
  const res = await fetch(`${workerUrl}${OPERATIONS_PATH}`);
  if (!res.ok) throw new Error(`operation counts answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Operations;
}

/** `after - before`, per operation (only those that moved). */
export function operationsBetween(before: Operations, after: Operations): Operations {
  const out: Operations = {};
  for (const [k, n] of Object.entries(after)) {
    const d = n - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** The sum of the counts whose names start with `prefix`, less those named in `except`. */
export function sumOf(ops: Operations, prefix: string, except: string[] = []): number {
  return Object.entries(ops)
    .filter(([k]) => k.startsWith(prefix) && !except.includes(k))
    .reduce((n, [, v]) => n + v, 0);
}
