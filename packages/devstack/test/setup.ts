import { afterEach, vi } from 'vitest';

// House rule: a test that makes anything log through console.error fails.
const errors: unknown[][] = [];
vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
  errors.push(args);
});

afterEach(() => {
  const logged = errors.splice(0);
  if (logged.length > 0)
    throw new Error(
      `unexpected console.error: ${logged.map((args) => args.map(String).join(' ')).join('\n')}`,
    );
});
