/**
 * Waiting for a condition instead of sleeping: `pollUntil` checks until the check returns a
 * value, and fails with what it waited for when the time is up. A test that must show that
 * something did NOT happen waits for a sentinel instead (something sent after it on the same
 * path), then asserts.
 */

/** A check's "not yet". */
type NotYet = undefined | null | false;

/** How often a check runs: often enough not to add latency, rarely enough not to load the machine. */
const INTERVAL_MS = 50;

/** A condition not met in time; `code` is stable, the message says what was awaited. */
export class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';
  readonly code = 'POLL_TIMEOUT';
}

/**
 * Runs `check` every 50 ms until it returns a value other than `undefined`, `null` or `false`,
 * and resolves with that value. Rejects with a {@link PollTimeoutError} after `timeoutMs`
 * (`what` names the condition, or describes the state at the time), or with the check's own
 * error as soon as it throws.
 *
 * @example
 * const row = await pollUntil(
 *   async () => (await db.query('select * from sessions where id = $1', [id])).rows[0],
 *   15_000,
 *   'the session row',
 * );
 */
export async function pollUntil<T>(
  check: () => T | NotYet | Promise<T | NotYet>,
  timeoutMs = 10_000,
  what: string | (() => string) = 'the condition',
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
    await new Promise((resolve) => setTimeout(resolve, Math.min(INTERVAL_MS, left)));
  }
}
