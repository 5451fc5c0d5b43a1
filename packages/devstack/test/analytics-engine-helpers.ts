/** A local Analytics Engine on a temp directory, and the two calls tests make to it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startAnalyticsEngine,
  type RunningAnalyticsEngine,
} from '../src/analytics-engine/start.js';

export const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
export const API_TOKEN = 'test-analytics-engine-token';

export interface SqlAnswer {
  status: number;
  /** x-sightline-error-code of a refused query. */
  code: string | null;
  contentType: string | null;
  text: string;
}

export interface TestEngine {
  engine: RunningAnalyticsEngine;
  base: string;
  sql(query: string, token?: string): Promise<SqlAnswer>;
  /** The JSON answer of a query that must succeed. */
  json<Row = Record<string, unknown>>(
    query: string,
  ): Promise<{
    meta: { name: string; type: string }[];
    data: Row[];
    rows: number;
    rows_before_limit_at_least?: number;
  }>;
  write(
    dataset: string,
    points: unknown[],
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  cleanup(): Promise<void>;
}

export async function startTestEngine(): Promise<TestEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'devstack-ae-'));
  const engine = await startAnalyticsEngine({
    dir: join(dir, 'analytics-engine'),
    accountId: ACCOUNT_ID,
    apiToken: API_TOKEN,
    log: () => undefined,
  });
  const base = `http://127.0.0.1:${engine.port}`;
  const sql = async (query: string, token = API_TOKEN): Promise<SqlAnswer> => {
    const res = await fetch(`${base}/client/v4/accounts/${ACCOUNT_ID}/analytics_engine/sql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: query,
    });
    return {
      status: res.status,
      code: res.headers.get('x-sightline-error-code'),
      contentType: res.headers.get('content-type'),
      text: await res.text(),
    };
  };
  return {
    engine,
    base,
    sql,
    async json(query) {
      const answer = await sql(query);
      if (answer.status !== 200) throw new Error(`${answer.status} ${answer.text}\nfor ${query}`);
      return JSON.parse(answer.text) as never;
    },
    async write(dataset, points) {
      const res = await fetch(`${base}/analytics-engine/v1/datasets/${dataset}/points`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}` },
        body: JSON.stringify(points),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async cleanup() {
      await engine.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
