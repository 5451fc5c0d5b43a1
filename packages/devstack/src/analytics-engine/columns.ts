/**
 * One table per dataset with Analytics Engine's columns, as its SQL API documents them
 * (dataset, timestamp, _sample_interval, index1, blob1..20, double1..20), in a MergeTree kept
 * for three months like Analytics Engine's data.
 */

export const MAX_BLOBS = 20;
export const MAX_DOUBLES = 20;

export const BLOB_COLUMNS = Array.from({ length: MAX_BLOBS }, (_, i) => `blob${i + 1}`);
export const DOUBLE_COLUMNS = Array.from({ length: MAX_DOUBLES }, (_, i) => `double${i + 1}`);

/** Every column in table order: the order `SELECT *` answers in. */
export const COLUMNS = [
  'dataset',
  'timestamp',
  '_sample_interval',
  'index1',
  ...BLOB_COLUMNS,
  ...DOUBLE_COLUMNS,
] as const;

/** The database the dataset tables live in; queries run with it as the current database. */
export const DATABASE = 'analytics_engine';

/** Dataset names the local engine accepts: what a wrangler binding's `dataset` looks like. */
const DATASET_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

export function isDatasetName(name: string): boolean {
  return DATASET_NAME.test(name);
}

/** Data retention: "stored for three months" (Analytics Engine limits). */
export const RETENTION_MONTHS = 3;

/**
 * The oldest time (ms) still kept at `now`. The table's TTL drops older rows only when
 * ClickHouse next merges its parts, so writes drop them at once (the same cut).
 */
export function retentionCutoff(now: number): number {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - RETENTION_MONTHS);
  return cutoff.getTime();
}

/** The table of a dataset, created on its first write as Analytics Engine does. */
export function createTableSql(dataset: string): string {
  if (!isDatasetName(dataset)) throw new Error(`invalid dataset name ${dataset}`);
  const columns = [
    'dataset String',
    'timestamp DateTime',
    '_sample_interval UInt32',
    'index1 String',
    ...BLOB_COLUMNS.map((c) => `${c} String`),
    ...DOUBLE_COLUMNS.map((c) => `${c} Float64`),
  ];
  return `CREATE TABLE IF NOT EXISTS ${DATABASE}.\`${dataset}\` (${columns.join(', ')})
    ENGINE = MergeTree ORDER BY (index1, timestamp) TTL timestamp + INTERVAL ${RETENTION_MONTHS} MONTH`;
}
