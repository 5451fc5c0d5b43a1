import type { IncomingMessage } from 'node:http';
import type { Secrets } from './keys.js';

/** What the gateway decided about a request's `apikey`. */
export type ApiKeyCheck =
  | { ok: true; key: string; role: 'anon' | 'service_role' }
  | { ok: false; status: 401; code: ApiKeyErrorCode; message: string; hint: string };

/** Stable codes, sent in the `sb-error-code` header as Supabase's gateway does. */
export type ApiKeyErrorCode =
  | 'UNAUTHORIZED_MISSING_API_KEY'
  | 'UNAUTHORIZED_INVALID_API_KEY'
  | 'UNAUTHORIZED_SECRET_KEY_IN_BROWSER'
  | 'UNAUTHORIZED_API_KEY_MISMATCH';

/**
 * The project's four API keys and what each stands for: the publishable key and the legacy
 * `anon` JWT act as `anon`; the secret key and the legacy `service_role` JWT as `service_role`.
 */
export class ApiKeys {
  private readonly roles: Map<string, 'anon' | 'service_role'>;

  constructor(private readonly secrets: Secrets) {
    this.roles = new Map([
      [secrets.publishableKey, 'anon'],
      [secrets.anonKey, 'anon'],
      [secrets.secretKey, 'service_role'],
      [secrets.serviceRoleKey, 'service_role'],
    ]);
  }

  all(): string[] {
    return [...this.roles.keys()];
  }

  /** `sb_publishable_…` / `sb_secret_…`: not JWTs, so never forwarded to PostgREST as such. */
  static isOpaque(key: string): boolean {
    return key.startsWith('sb_');
  }

  /**
   * Checks the apikey as Supabase's gateway does, including its rule for secret keys: a request
   * whose User-Agent is a browser's is refused, whatever its origin (even localhost).
   */
  check(req: IncomingMessage, url: URL): ApiKeyCheck {
    const header = req.headers.apikey;
    const key =
      (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('apikey') ?? undefined;
    if (!key)
      return {
        ok: false,
        status: 401,
        code: 'UNAUTHORIZED_MISSING_API_KEY',
        message: 'No API key found in request',
        hint: 'No `apikey` request header or url param was found.',
      };
    const role = this.roles.get(key);
    if (!role)
      return {
        ok: false,
        status: 401,
        code: 'UNAUTHORIZED_INVALID_API_KEY',
        message: 'Invalid API key',
        hint: 'Double check your Supabase `anon` or `service_role` API key.',
      };
    if (key === this.secrets.secretKey && isBrowser(req))
      return {
        ok: false,
        status: 401,
        code: 'UNAUTHORIZED_SECRET_KEY_IN_BROWSER',
        message: 'Forbidden use of secret API key in browser',
        hint: 'Secret API keys can only be used in a protected environment and should never be used in a browser. Use the publishable key instead.',
      };
    const bearer = bearerOf(req);
    if (bearer !== undefined && ApiKeys.isOpaque(bearer) && bearer !== key)
      return {
        ok: false,
        status: 401,
        code: 'UNAUTHORIZED_API_KEY_MISMATCH',
        message: 'Invalid API key',
        hint: 'A publishable or secret key in the Authorization header must equal the apikey header.',
      };
    return { ok: true, key, role };
  }

  /**
   * The bearer token the services behind the gateway see, as the Supabase CLI's gateway maps it:
   * a user's JWT passes unchanged; otherwise (no Authorization, or the opaque key itself) the
   * apikey stands in, an opaque key replaced by the legacy JWT of the same role.
   */
  upstreamBearer(req: IncomingMessage, check: Extract<ApiKeyCheck, { ok: true }>): string {
    const bearer = bearerOf(req);
    if (bearer !== undefined && !ApiKeys.isOpaque(bearer)) return bearer;
    if (!ApiKeys.isOpaque(check.key)) return check.key;
    return check.role === 'anon' ? this.secrets.anonKey : this.secrets.serviceRoleKey;
  }
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerOf(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Browsers all send a User-Agent starting `Mozilla/`; servers, Workers and CLIs do not. */
export function isBrowser(req: IncomingMessage): boolean {
  return /^Mozilla\//.test(req.headers['user-agent'] ?? '');
}
