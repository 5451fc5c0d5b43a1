/**
 * The watch signal: the ingest Worker pushes a site's live messages to Realtime only while a
 * dashboard watches it (POST /v1/sites/:id/watch, renewed while the live view is open; a watch
 * lapses 75 s after its last renewal). Each answer carries every live shard's full snapshot,
 * applied at once so the view is current before the next push.
 */

/** What the Worker answers: one full message per live shard, and when to renew. */
export interface WatchAnswer {
  messages: unknown[];
  renewMs: number;
}

export class WatchError extends Error {
  override readonly name = 'WatchError';
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Renew this often when the Worker does not say (it answers `renewMs`, 30 s today). */
const DEFAULT_RENEW_MS = 30_000;
/** After a failed call, retry this soon: the watch of the last success still runs 75 s. */
export const RETRY_MS = 5_000;

/** One watch call. Throws `WatchError` (with the Worker's `code` when it sent one). */
export async function watchSite(
  ingestUrl: string,
  token: string,
  site: string,
  signal?: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<WatchAnswer> {
  let res: Response;
  try {
    res = await fetchImpl(`${ingestUrl}/v1/sites/${encodeURIComponent(site)}/watch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      signal,
    });
  } catch (cause) {
    throw new WatchError('the ingest Worker did not answer', 'watch_unreachable', 0, { cause });
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok) {
    const error = body?.error as { code?: unknown; message?: unknown } | undefined;
    const code = typeof error?.code === 'string' ? error.code : 'watch_failed';
    const message = typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`;
    throw new WatchError(message, code, res.status);
  }
  const messages = Array.isArray(body?.messages) ? (body.messages as unknown[]) : [];
  const renewMs =
    typeof body?.renewMs === 'number' && body.renewMs >= 1_000 ? body.renewMs : DEFAULT_RENEW_MS;
  return { messages, renewMs };
}

/**
 * Watches until the returned function is called: at once, then every `renewMs` (sooner after a
 * failure). `onMessages` gets each answer's snapshots; `onError` each failure (401/403 stop it:
 * renewing cannot help a token the Worker refuses).
 */
export function keepWatching(
  ingestUrl: string,
  token: string,
  site: string,
  onMessages: (messages: unknown[]) => void,
  onError: (error: WatchError) => void = () => {},
  fetchImpl: typeof fetch = fetch,
): () => void {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = async (): Promise<void> => {
    let next = RETRY_MS;
    try {
      const answer = await watchSite(ingestUrl, token, site, controller.signal, fetchImpl);
      if (controller.signal.aborted) return;
      onMessages(answer.messages);
      next = answer.renewMs;
    } catch (error) {
      if (controller.signal.aborted) return;
      const failure =
        error instanceof WatchError
          ? error
          : new WatchError('watch failed', 'watch_failed', 0, { cause: error });
      onError(failure);
      if (failure.status === 401 || failure.status === 403) return;
    }
    timer = setTimeout(() => void run(), next);
  };
  void run();
  return () => {
    controller.abort();
    if (timer !== null) clearTimeout(timer);
  };
}
