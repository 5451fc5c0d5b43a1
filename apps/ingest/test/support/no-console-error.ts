/** Every test fails on an unexpected console.error (the Worker logs only truly unexpected errors). */
import { afterEach, beforeEach, expect, vi, type MockInstance } from 'vitest';

let spy: MockInstance<typeof console.error>;

beforeEach(() => {
  spy = vi.spyOn(console, 'error');
});

afterEach(() => {
  expect(spy, 'unexpected console.error').not.toHaveBeenCalled();
  spy.mockRestore();
});
