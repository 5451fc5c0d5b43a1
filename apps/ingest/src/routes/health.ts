/** GET /v1/health: liveness for uptime checks; touches no binding. */
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';

export const health = new Hono<AppEnv>();

health.get('/', (c) => c.json({ ok: true, environment: c.env.ENVIRONMENT }));
