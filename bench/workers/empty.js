/* global Response */
// The smallest Worker, with the ingest Worker's bindings (KV, a SQLite Durable Object class,
// Analytics Engine) so a cold start differs from the ingest Worker's only by the bundle.
import { DurableObject } from 'cloudflare:workers';

export class SiteLive extends DurableObject {}

export default {
  fetch() {
    return new Response('ok');
  },
};
