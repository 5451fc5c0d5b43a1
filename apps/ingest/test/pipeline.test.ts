import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addSite, batch, newVisit, pageview, post } from './support/helpers.js';

describe('POST /v1/events: refusals', () => {
  it('answers 413 for a declared Content-Length over 16 KB without reading the body', async () => {
    const res = await SELF.fetch('https://ingest.test/v1/events', {
      method: 'POST',
      headers: { 'content-length': '20000', origin: 'https://example.com' },
      body: 'x'.repeat(20_000),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });

  it('answers 413 for a streamed body that passes 16 KB', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await SELF.fetch('https://ingest.test/v1/events', { method: 'POST', body: stream });
    expect(res.status).toBe(413);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    const res = await post('{"v":1,');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_json', issues: [] } });
  });

  it("answers 400 invalid_batch with the schema's issue codes", async () => {
    const res = await post({ v: 1, site: 'abc', events: [{ type: 'pageview', id: 'short' }] });
    expect(res.status).toBe(400);
    const { error } = await res.json<{
      error: { code: string; issues: { code: string; path: string }[] };
    }>();
    expect(error.code).toBe('invalid_batch');
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues.map((i) => i.code)).toContain('too_small');
  });

  it('answers 404 for an unknown site', async () => {
    const res = await post(batch('no-such-site-123', [pageview(newVisit())]));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'unknown_site' } });
  });

  it("answers 403 when the origin is not one of the site's domains", async () => {
    const site = await addSite({ domains: ['example.com'] });
    const res = await post(batch(site.id, [pageview(newVisit())]), { origin: 'https://evil.test' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
    const none = await post(batch(site.id, [pageview(newVisit())]), { origin: null });
    expect(none.status).toBe(403);
  });

  it('accepts subdomains of a listed domain, and localhost in development', async () => {
    const site = await addSite({ domains: ['example.com'] });
    const www = await post(batch(site.id, [pageview(newVisit())]), {
      origin: 'https://www.example.com',
    });
    expect(www.status).toBe(202);
    expect(www.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
    const local = await post(batch(site.id, [pageview(newVisit())]), {
      origin: 'http://localhost:5173',
    });
    expect(local.status).toBe(202);
  });
});

describe('POST /v1/events: acceptance', () => {
  it('answers 202 at once with the count received', async () => {
    const site = await addSite();
    const visit = newVisit();
    const res = await post(batch(site.id, [pageview(visit), pageview(visit)]));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ received: 2 });
  });

  it('answers CORS preflights', async () => {
    const res = await SELF.fetch('https://ingest.test/v1/events', {
      method: 'OPTIONS',
      headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await SELF.fetch('https://ingest.test/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('GET /v1/health', async () => {
    const res = await SELF.fetch('https://ingest.test/v1/health');
    expect(await res.json()).toEqual({ ok: true, environment: 'development' });
  });
});
