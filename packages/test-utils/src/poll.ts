/**
 * Waiting for a condition instead of sleeping: `pollUntil` checks until the check returns a
 * value, and fails with what it waited for when the time is up. A test that must show that
 * something did NOT happen waits for a sentinel instead (something sent after it on the same
 * path), then asserts.
 */

/** A check's "not yet". */
type NotYet = undefined | null | false;

export interface PollOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /**
   * Time between checks (default 50 ms: often enough not to add latency, rarely enough not to
   * load the machine). A benchmark whose checks would count in what it measures (each query is
   * a transaction) sets its own.
   */
  intervalMs?: number;
  /** The condition, for the timeout's message; a function describes the state at that time. */
  what?: string | (() => string);
}

/** A condition not met in time; `code` is stable, the message says what was awaited. */
export class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';
  readonly code = 'POLL_TIMEOUT';
}

/**
 * Runs `check` until it returns a value other than `undefined`, `null` or `false`, and resolves
 * with that value. Rejects with a {@link PollTimeoutError} after `timeoutMs`, or with the
 * check's own error as soon as it throws.
 *
 * @example
 * const row = await pollUntil(
 *   async () => (await db.query('select * from sessions where id = $1', [id])).rows[0],
 *   { timeoutMs: 15_000, what: 'the session row' },
 * );
 */
export async function pollUntil<T>(
  check: () => T | NotYet | Promise<T | NotYet>,
  { timeoutMs = 10_000, intervalMs = 50, what = 'the condition' }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    const left = deadline - Date.now();
    if (left <= 0) {
      const described = typeof what === 'function' ? what() : what;
      throw new PollTimeoutError(`${described}: not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
}
