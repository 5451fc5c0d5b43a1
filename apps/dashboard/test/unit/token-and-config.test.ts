import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig, ConfigError } from '../../src/lib/config.js';
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
  it('prefers build-time values and trims the URL', () => {
    const c = resolveConfig(
      { supabaseUrl: 'http://a/' },
      { supabaseUrl: 'http://b', anonKey: 'k', token: 't' },
    );
    expect(c).toEqual({
      supabaseUrl: 'http://a',
      anonKey: 'k',
      mapboxToken: '',
      token: 't',
      ingestUrl: '',
    });
  });

  it('takes the ingest Worker URL (for the live view’s watch) from either source', () => {
    const base = { supabaseUrl: 'http://a', anonKey: 'k' };
    expect(resolveConfig(base, { ingestUrl: 'http://w/' }).ingestUrl).toBe('http://w');
    expect(
      resolveConfig({ ...base, ingestUrl: 'http://v' }, { ingestUrl: 'http://w' }),
    ).toMatchObject({ ingestUrl: 'http://v' });
  });

  it('explains what is missing', () => {
    expect(() => resolveConfig({}, {})).toThrow(ConfigError);
  });
});
