/**
 * Bundle-size workaround, aliased over `zod` in wrangler.jsonc and vitest.config.ts: the schema
 * package imports zod as `import { z } from 'zod'`, a namespace object no bundler can
 * tree-shake, which puts all of zod (locales, JSON Schema, codecs: 92 KB gzip) into a Worker
 * whose whole budget is 100 KB. This module hands the schema a `z` with only the constructors it
 * uses, imported by name so the rest is shaken out (29 KB gzip). A constructor the schema starts
 * using fails loudly at module load (every test imports the schema), never silently.
 * Remove once @sightline/schema imports `* as z` (reported to its owner).
 */
import {
  any,
  array,
  boolean,
  discriminatedUnion,
  enum as enumeration,
  literal,
  null as nullish,
  number,
  object,
  optional,
  nullable,
  record,
  strictObject,
  string,
  tuple,
  union,
  unknown,
} from 'zod/v4';

const subset = {
  any,
  array,
  boolean,
  discriminatedUnion,
  enum: enumeration,
  literal,
  null: nullish,
  number,
  object,
  optional,
  nullable,
  record,
  strictObject,
  string,
  tuple,
  union,
  unknown,
};

export const z: typeof subset = new Proxy(subset, {
  get(target, name) {
    if (typeof name === 'string' && !(name in target)) {
      throw new TypeError(
        `z.${name} is not in the Worker's zod subset (apps/ingest/src/vendor/zod-slim.ts)`,
      );
    }
    return Reflect.get(target, name) as unknown;
  },
});
