/**
 * Aggregates become records: the natural key, the per-record hash, and the import's content
 * hash built from them (see hash.ts).
 */
import { ImportError } from './errors.js';
import { fnv1a64, sha256Hex } from './hash.js';
import type { Aggregate } from './day-table.js';
import type { ImportRecord } from './types.js';

/** The natural key of a record. */
export const recordKey = (day: string, a: Aggregate): string =>
  JSON.stringify([day, a.dimension, a.value]);

/** The canonical line of a record, what its hash and the content hash are computed over:
 * `JSON.stringify([day, dimension, value, visitors, visits, pageviews, bounces,
 * visitDurationMs, engagedMs, events])`, built from the key. */
export function canonicalLine(key: string, a: Aggregate): string {
  return `${key.slice(0, -1)},${a.visitors},${a.visits},${a.pageviews},${a.bounces},${a.visitDurationMs},${a.engagedMs},${a.events}]`;
}

export function toRecord(day: string, a: Aggregate, key: string, line: string): ImportRecord {
  // One object literal per record, same shape for both kinds.
  return {
    kind: a.dimension === '' ? 'total' : 'breakdown',
    day,
    dimension: a.dimension,
    value: a.value,
    visitors: a.visitors,
    visits: a.visits,
    pageviews: a.pageviews,
    bounces: a.bounces,
    visitDurationMs: a.visitDurationMs,
    engagedMs: a.engagedMs,
    events: a.events,
    key,
    hash: fnv1a64(line),
  } as ImportRecord;
}

/** Collects one digest per (dimension, day); the import's hash is over them, sorted. */
export class ContentHash {
  private digests = new Map<string, string>();

  /** Adds one day's aggregates (sorted by dimension and value) and returns their records. */
  async add(day: string, aggregates: Aggregate[]): Promise<ImportRecord[]> {
    const records: ImportRecord[] = [];
    let group: string[] = [];
    let stream: string | null = null;
    const close = async () => {
      if (stream === null) return;
      const id = `${stream}\t${day}`;
      if (this.digests.has(id))
        throw new ImportError(
          'overlapping_files',
          `${stream || 'site totals'} of ${day} appear in two files of the export`,
        );
      this.digests.set(id, await sha256Hex(group.join('\n')));
      group = [];
    };
    for (const a of aggregates) {
      if (a.dimension !== stream) {
        await close();
        stream = a.dimension;
      }
      const key = recordKey(day, a);
      const line = canonicalLine(key, a);
      group.push(line);
      records.push(toRecord(day, a, key, line));
    }
    await close();
    return records;
  }

  async digest(): Promise<string> {
    const lines = [...this.digests].map(([id, digest]) => `${id}\t${digest}`).sort();
    return sha256Hex(lines.join('\n'));
  }
}
