/** Unexpected console.error fails the test (React reports act() and key warnings there). */
import { afterEach, beforeEach, expect, vi, type MockInstance } from 'vitest';

let spy: MockInstance<(...args: unknown[]) => void>;
beforeEach(() => {
  spy = vi.spyOn(console, 'error');
});
afterEach(() => {
  // A test that expects errors replaces the implementation; it has checked them itself.
  const calls = spy.getMockImplementation() ? [] : spy.mock.calls;
  spy.mockRestore();
  expect(calls, 'unexpected console.error').toEqual([]);
});
