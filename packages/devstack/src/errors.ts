/** Stable error codes callers can branch on. */
export type DevstackErrorCode =
  | 'BINARY_NOT_FOUND'
  | 'POSTGRES_INIT_FAILED'
  | 'POSTGRES_START_FAILED'
  | 'DATA_DIR_IN_USE'
  | 'POSTGREST_START_FAILED'
  | 'MIGRATION_FAILED'
  | 'SCHEMA_RELOAD_TIMEOUT'
  | 'ANALYTICS_ENGINE_START_FAILED';

/** Every failure the devstack raises carries a stable `code` and keeps its `cause`. */
export class DevstackError extends Error {
  override readonly name = 'DevstackError';
  readonly code: DevstackErrorCode;

  constructor(code: DevstackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  toJSON(): { name: string; code: DevstackErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}
