/**
 * Data points as they reach the local engine's write endpoint, checked against the limits
 * `writeDataPoint` enforces (workerd's analytics-engine-impl.h and Analytics Engine's "Limits"
 * page) and encoded as TabSeparated rows for ClickHouse.
 */
import { MAX_BLOBS, MAX_DOUBLES, retentionCutoff } from './columns.js';

/** A blob or index value: text, or bytes sent as `{ "base64": "…" }` (an ArrayBuffer blob). */
export type WireBlob = string | null | { base64: string };

export interface WireDataPoint {
  indexes?: WireBlob[];
  blobs?: WireBlob[];
  doubles?: number[];
  /**
   * Local only, for loading history (benchmarks, equivalence tests): the point's time in ms.
   * Analytics Engine stamps points itself; the Worker binding never sends this.
   */
  timestamp?: number;
  /** Local only: the sample interval to store (default 1, as Analytics Engine without sampling). */
  sampleInterval?: number;
}

export const MAX_INDEX_BYTES = 96;
/** "The total size of all blobs in a request must not exceed 16 KB" (per data point). */
export const MAX_BLOB_BYTES = 16 * 1024;

export class InvalidDataPointError extends Error {
  override readonly name = 'InvalidDataPointError';
  readonly code = 'INVALID_DATA_POINT';
}

function byteLength(value: WireBlob | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'object' && typeof value.base64 === 'string') {
    return Buffer.from(value.base64, 'base64').length;
  }
  throw new InvalidDataPointError('blobs and indexes are strings, ArrayBuffers or null');
}

const TSV_SPECIAL = /[\\\t\n\r\0]/g;
const TSV_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
};

/**
 * A blob as a TabSeparated field: text escaped as ClickHouse reads it back; bytes as `\xHH`
 * escapes, so that a binary blob survives exactly.
 */
function tsvField(value: WireBlob | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.replace(TSV_SPECIAL, (ch) => TSV_ESCAPES[ch]!);
  let out = '';
  for (const byte of Buffer.from(value.base64, 'base64')) {
    out +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/**
 * Checks one point and encodes it as a TabSeparated row (newline included) in table order; ''
 * for a point older than the retention (checked, then dropped as the TTL would drop it).
 * `now` is the write time in ms, stamped on points without a local `timestamp`.
 */
export function encodeDataPoint(dataset: string, point: WireDataPoint, now: number): string {
  if (typeof point !== 'object' || point === null) {
    throw new InvalidDataPointError('a data point is an object');
  }
  const { indexes = [], blobs = [], doubles = [] } = point;
  if (!Array.isArray(indexes) || !Array.isArray(blobs) || !Array.isArray(doubles)) {
    throw new InvalidDataPointError('indexes, blobs and doubles are arrays');
  }
  if (indexes.length > 1) throw new InvalidDataPointError('Maximum of 1 indexes supported.');
  if (blobs.length > MAX_BLOBS) {
    throw new InvalidDataPointError(`Maximum of ${MAX_BLOBS} blobs supported.`);
  }
  if (doubles.length > MAX_DOUBLES) {
    throw new InvalidDataPointError(`Maximum of ${MAX_DOUBLES} doubles supported.`);
  }
  if (byteLength(indexes[0]) > MAX_INDEX_BYTES) {
    throw new InvalidDataPointError(`Size of indexes[0] exceeds ${MAX_INDEX_BYTES} bytes.`);
  }
  let total = 0;
  for (const blob of blobs) total += byteLength(blob);
  if (total > MAX_BLOB_BYTES) {
    throw new InvalidDataPointError(`Cumulative size of blobs exceeds ${MAX_BLOB_BYTES} bytes.`);
  }
  if (doubles.some((d) => typeof d !== 'number')) {
    throw new InvalidDataPointError('doubles are numbers');
  }
  const timestamp = point.timestamp ?? now;
  const interval = point.sampleInterval ?? 1;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) {
    throw new InvalidDataPointError('timestamp is ms since the epoch');
  }
  if (!Number.isInteger(interval) || interval < 1 || interval > 0xffffffff) {
    throw new InvalidDataPointError('sampleInterval is a whole number of at least 1');
  }
  if (timestamp < retentionCutoff(now)) return '';
  const fields = [
    dataset,
    String(Math.floor(timestamp / 1000)),
    String(interval),
    tsvField(indexes[0]),
  ];
  for (let i = 0; i < MAX_BLOBS; i++) fields.push(tsvField(blobs[i]));
  for (let i = 0; i < MAX_DOUBLES; i++) fields.push(formatDouble(doubles[i] ?? 0));
  return fields.join('\t') + '\n';
}
