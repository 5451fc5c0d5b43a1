import { describe, expect, it } from 'vitest';
import { pollUntil, PollTimeoutError } from '../src/index.js';

describe('pollUntil', () => {
  it('resolves with the first value that is not undefined, null or false', async () => {
    let calls = 0;
    const value = await pollUntil(() => {
      calls++;
      return calls === 1 ? undefined : calls === 2 ? null : calls === 3 ? false : { calls };
    });
    expect(value).toEqual({ calls: 4 });
  });

  it('counts 0 and the empty string as values (only undefined, null and false mean not yet)', async () => {
    expect(await pollUntil(() => 0)).toBe(0);
    expect(await pollUntil(() => '')).toBe('');
  });

  it('awaits an async check', async () => {
    const started = Date.now();
    const value = await pollUntil(() =>
      Promise.resolve(Date.now() - started > 120 ? 'done' : undefined),
    );
    expect(value).toBe('done');
  });

  it('fails after the timeout with a stable code and what it waited for', async () => {
    const started = Date.now();
    const error = await pollUntil(() => false, { timeoutMs: 200, what: 'the sentinel row' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PollTimeoutError);
    expect(error).toMatchObject({
      code: 'POLL_TIMEOUT',
      message: 'the sentinel row: not met within 200 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('describes the state at the timeout when given a function', async () => {
    const seen: number[] = [];
    const error = await pollUntil(
      () => {
        seen.push(seen.length);
        return false;
      },
      { timeoutMs: 120, what: () => `${seen.length} checks` },
    ).catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/^\d+ checks: not met within 120 ms$/);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('checks every intervalMs', async () => {
    let calls = 0;
    await expect(
      pollUntil(() => (calls++, false), { timeoutMs: 500, intervalMs: 200 }),
    ).rejects.toThrow(PollTimeoutError);
    // At 0, 200, 400 and 500 ms (the last check lands on the deadline).
    expect(calls).toBeLessThanOrEqual(4);
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it("rejects at once with the check's own error", async () => {
    const started = Date.now();
    const failing = pollUntil(() => {
      throw new Error('query failed');
    });
    await expect(failing).rejects.toThrow('query failed');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
