/**
 * An injected fetch that records what a client sends and answers with a canned response: the
 * only stand-in for a server in the unit and parity tests (integration tests use real PostgREST).
 */
export interface Captured {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function captureFetch(
  respond: (req: Captured) => Response = () => new Response('[]', { status: 200 }),
): { fetch: typeof fetch; requests: Captured[] } {
  const requests: Captured[] = [];
  const fetchImpl = (
    input: Parameters<typeof fetch>[0],
    init: RequestInit = {},
  ): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const req: Captured = {
      method: init.method ?? 'GET',
      url: input instanceof Request ? input.url : String(input),
      headers,
      body: typeof init.body == 'string' ? init.body : undefined,
    };
    requests.push(req);
    return Promise.resolve(respond(req));
  };
  return { fetch: fetchImpl, requests };
}
