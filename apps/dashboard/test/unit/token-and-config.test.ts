import { afterEach, describe, expect, it } from 'vitest';
import { pick, resolveConfig, ConfigError } from '../../src/lib/config.js';
import { decodeToken, storedToken, takeTokenFromHash, tokenProblem } from '../../src/lib/token.js';

const b64url = (o: object): string =>
  btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: object): string => `${b64url({ alg: 'HS256' })}.${b64url(claims)}.sig`;

afterEach(() => {
  localStorage.clear();
  history.replaceState(null, '', '/');
});

describe('token', () => {
  it('reads the claims and spots expiry without verifying', () => {
    const token = jwt({ role: 'authenticated', site_ids: ['a', 'b'], exp: 2_000 });
    expect(decodeToken(token)).toEqual({ role: 'authenticated', siteIds: ['a', 'b'], exp: 2_000 });
    expect(tokenProblem(token, 1_000_000)).toBe(null);
    expect(tokenProblem(token, 2_000_001)).toBe('expired');
    expect(tokenProblem('not a token')).toBe('malformed');
  });

  it('takes #token=… out of the address bar, keeping the rest', () => {
    history.replaceState(null, '', '/?site=x#token=abc.def.ghi&tab=2');
    expect(takeTokenFromHash()).toBe('abc.def.ghi');
    expect(window.location.search + window.location.hash).toBe('?site=x#tab=2');
    expect(storedToken()).toBe(null);
  });
});

describe('config', () => {
  it('prefers build-time values and trims the URLs', () => {
    const c = resolveConfig(
      { supabaseUrl: 'http://a/', ingestUrl: 'http://w/' },
      pick({
        supabaseUrl: 'http://b',
        publishableKey: 'sb_publishable_x',
        demo: { email: 'd@example.com', password: 'pw' },
      }),
    );
    expect(c).toEqual({
      supabaseUrl: 'http://a',
      publishableKey: 'sb_publishable_x',
      ingestUrl: 'http://w',
      mapboxToken: '',
      demo: { email: 'd@example.com', password: 'pw' },
    });
  });

  it('takes the legacy anonKey as the publishable key, and ignores a half demo', () => {
    expect(pick({ anonKey: 'eyJ.legacy', demo: { email: 'd@example.com' } })).toMatchObject({
      publishableKey: 'eyJ.legacy',
      demo: undefined,
    });
  });

  it('explains what is missing', () => {
    expect(() => resolveConfig({}, {})).toThrow(ConfigError);
  });
});
