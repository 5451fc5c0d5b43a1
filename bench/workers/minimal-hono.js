// The baseline for the ingest Worker's per-request cost: a Hono route in the same runtime that
// reads the body and answers 202, with no parsing, validation, state or I/O.
import { Hono } from 'hono';

const app = new Hono();
app.post('/v1/events', async (c) => {
  await c.req.text();
  return c.json({ received: 1 }, 202);
});

export default app;
