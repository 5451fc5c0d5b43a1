/**
 * One logical request: attempts with per-attempt timeout, retries by `retryDelay`, and the
 * attempt hook. Resolves with the final Response or rejects with the last fetch error.
 */
import { retryDelay } from './retry.js';
import type { AttemptEvent, Fetch, RetryOptions } from './types.js';

export interface SendOptions {
  fetch: Fetch;
  timeout?: number | undefined;
  retry?: boolean | RetryOptions | undefined;
  onAttempt?: ((event: AttemptEvent) => void) | undefined;
}

const NO_RETRY = { retries: 0 };

/**
 * Release a response's connection without reading it. Not awaited: cancelling one branch of a
 * tee'd body (a caching fetch wrapper's clone) only settles once the other branch is done, and
 * an errored stream rejects, which must not become an unhandled rejection.
 */
export const discard = (res: Response): void => void res.body?.cancel().catch(() => {});

export const send = async (
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  o: SendOptions,
  signal?: AbortSignal,
): Promise<Response> => {
  // `true`/`undefined` become an empty policy (all defaults) through Object().
  const policy: RetryOptions = o.retry === false ? NO_RETRY : (Object(o.retry) as RetryOptions);
  const f = o.fetch;
  for (let attempt = 0; ; attempt++) {
    const start = Date.now();
    let res: Response | undefined;
    let error: unknown;
    const timeout = o.timeout && AbortSignal.timeout(o.timeout);
    try {
      res = await f(url, {
        method,
        headers,
        body,
        signal: timeout ? (signal ? AbortSignal.any([signal, timeout]) : timeout) : signal,
      });
    } catch (e) {
      error = e;
    }
    // A caller's abort is a decision, not a failure: never retried.
    const wait = signal?.aborted ? undefined : retryDelay(policy, attempt, method, res);
    o.onAttempt?.({
      attempt,
      method,
      url,
      status: res ? res.status : 0,
      error,
      durationMs: Date.now() - start,
      retryInMs: wait,
    });
    if (wait === undefined) {
      if (res) return res;
      throw error;
    }
    if (res) discard(res);
    await new Promise((r) => setTimeout(r, wait));
  }
};
