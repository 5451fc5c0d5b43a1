/**
 * A query the local Analytics Engine refuses or fails to run. The HTTP answer is shaped as
 * Analytics Engine's (status 422, a plain-text body starting "Input was invalid: "); the
 * stable `code` travels in the `x-sightline-error-code` header for programs and tests.
 */
export type AnalyticsEngineQueryErrorCode =
  | 'EMPTY_QUERY'
  | 'QUERY_TOO_LONG'
  | 'SYNTAX_ERROR'
  | 'UNSUPPORTED_STATEMENT'
  | 'UNSUPPORTED_CONSTRUCT'
  | 'UNSUPPORTED_FUNCTION'
  | 'UNSUPPORTED_FORMAT'
  | 'UNKNOWN_DATASET'
  | 'QUERY_FAILED';

export class AnalyticsEngineQueryError extends Error {
  override readonly name = 'AnalyticsEngineQueryError';
  readonly code: AnalyticsEngineQueryErrorCode;

  constructor(code: AnalyticsEngineQueryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The response body Analytics Engine's SQL API would send. */
  get body(): string {
    return `Input was invalid: ${this.message}`;
  }

  toJSON(): { name: string; code: AnalyticsEngineQueryErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}
