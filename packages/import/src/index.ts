/**
 * @sightline/import: Plausible's CSV export, Umami's event export and Sightline's own CSV export
 * as streamed, validated daily records (site totals and breakdowns by Sightline's dimensions),
 * with precise errors and hashes for idempotent imports. Runs in browsers and in Node.
 */
export { readExport, ExportReader } from './read-export.js';
export { ImportError, IMPORT_ERROR_CODES } from './errors.js';
export type { ImportErrorCode, ImportErrorLocation } from './errors.js';
export type { ExportInput } from './bytes/input.js';
export { DEFAULT_LIMITS } from './options.js';
export type { ReadOptions, ReadLimits } from './options.js';
export type {
  BreakdownRecord,
  Dimension,
  ExportFormat,
  FileSummary,
  ImportRecord,
  ImportSummary,
  Measures,
  TotalRecord,
} from './types.js';
export { DIMENSION_SOURCES } from './mapping.js';
export {
  SIGHTLINE_FORMAT,
  SIGHTLINE_MANIFEST,
  SIGHTLINE_REPORTS,
  SIGHTLINE_VERSION,
  sightlineHeader,
} from './formats/sightline.js';
export type { SightlineManifest, SightlineReport } from './formats/sightline.js';
export { sightlineCsv, writeSightlineExport } from './formats/sightline-write.js';
export type { SightlineRow } from './formats/sightline-write.js';
export { writeZip } from './zip/write-zip.js';
export type { ZipWriteEntry, ZipWriteOptions } from './zip/write-zip.js';
export { csvLine } from './csv/format-csv.js';
