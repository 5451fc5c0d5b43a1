/** The baseline: a minimal Hono route on the same runtime that reads the body and answers 202. */
import { Hono } from 'hono';

const app = new Hono();
app.post('/v1/events', async (c) => {
  const body = await c.req.text();
  return c.json({ received: body.length > 0 ? 1 : 0 }, 202);
});

export default app;
