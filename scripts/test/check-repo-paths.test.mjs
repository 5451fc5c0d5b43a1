import { describe, expect, it } from 'vitest';
import { outsidePaths } from '../check-repo-paths.mjs';

// Built, not written out: this file is checked by the same rule.
const up = (n) => '../'.repeat(n);
const dir = (...parts) => `/${parts.join('/')}/`;

describe('the repository-paths check', () => {
  it('flags a path to a folder beside the clone, from any depth', () => {
    expect(outsidePaths('README.md', `see ${up(1)}shared/TOOLCHAIN.md`)).toHaveLength(1);
    expect(outsidePaths('docs/a.md', `data at ${up(2)}shared/data/x.csv`)).toHaveLength(1);
    expect(outsidePaths('packages/schema/test/x.ts', `resolve(root, '${up(4)}x')`)).toEqual([
      `packages/schema/test/x.ts:1: resolve(root, '${up(4)}x')`,
    ]);
  });

  it('flags a machine path', () => {
    expect(
      outsidePaths('scripts/x.mjs', `const data = '${dir('work', 'shared')}data';`),
    ).toHaveLength(1);
    expect(outsidePaths('docs/x.md', `cloned to ${dir('home', 'alice')}sightline`)).toHaveLength(1);
    expect(outsidePaths('docs/x.md', `under ${dir('root')}.cache`)).toHaveLength(1);
  });

  it('accepts paths that stay inside', () => {
    expect(outsidePaths('docs/a.md', `[tracker](${up(1)}packages/tracker/README.md)`)).toEqual([]);
    expect(
      outsidePaths('packages/schema/scripts/lib/paths.ts', `resolve(here, '${up(4)}')`),
    ).toEqual([]);
    expect(outsidePaths('README.md', 'a/../b and ./x and /usr/bin/chromium')).toEqual([]);
    expect(outsidePaths('README.md', 'https://example.com/work/x')).toEqual([]);
  });
});
