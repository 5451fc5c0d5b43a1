/** Errors of the value-score scripts, each with a stable code the CLIs print and exit on. */
export type ScoreScriptErrorCode =
  'file_unreadable' | 'csv_malformed' | 'csv_missing_column' | 'csv_bad_value' | 'single_class';

export class ScoreScriptError extends Error {
  override readonly name = 'ScoreScriptError';
  constructor(
    readonly code: ScoreScriptErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
