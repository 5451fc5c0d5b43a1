/**
 * The dashboard token: a JWT (role authenticated, claim `site_ids`) minted by
 * `pnpm sightline token --site <id>`. Entered once and kept in localStorage, or passed by link as
 * `#token=…`, which is then removed from the address bar so it does not end up in history or
 * screenshots. The signature is checked by PostgREST; here we only read the claims to explain
 * an expired token before making a request.
 */
const STORAGE_KEY = 'sightline.token';

export interface TokenClaims {
  exp: number | null;
  siteIds: string[];
  role: string;
}

export type TokenProblem = 'malformed' | 'expired';

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Reads the claims without verifying; `null` when the string is not a JWT. */
export function decodeToken(token: string): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
    const siteIds = Array.isArray(payload.site_ids)
      ? payload.site_ids.filter((s): s is string => typeof s === 'string')
      : [];
    return {
      exp: typeof payload.exp === 'number' ? payload.exp : null,
      siteIds,
      role: typeof payload.role === 'string' ? payload.role : '',
    };
  } catch {
    return null;
  }
}

export function tokenProblem(token: string, nowMs = Date.now()): TokenProblem | null {
  const claims = decodeToken(token);
  if (!claims) return 'malformed';
  if (claims.exp !== null && claims.exp * 1000 <= nowMs) return 'expired';
  return null;
}

/** Takes `#token=…` out of the URL (keeping the rest of the hash) and returns it. */
export function takeTokenFromHash(loc: Location = window.location): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const hash = params.toString();
  history.replaceState(history.state, '', `${loc.pathname}${loc.search}${hash ? `#${hash}` : ''}`);
  return token;
}

export function storedToken(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(STORAGE_KEY, token);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Private mode without storage: the token lives for this page only.
  }
}
