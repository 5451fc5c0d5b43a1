/** Auth settings, named after Supabase Auth's project settings. */
export interface AuthOptions {
  /** Where links land without an allowed `redirect_to`. Default: the stack's URL (a landing page). */
  siteUrl?: string;
  /**
   * More redirect URLs allowed, as globs (`*` within a host or path segment, `**` across them),
   * like a project's "Redirect URLs". Loopback addresses (127.0.0.1, [::1]) are always allowed.
   */
  additionalRedirectUrls?: string[];
  /** E-mail confirmation before the first sign-in (hosted default: on). Default: true. */
  enableConfirmations?: boolean;
  /** Default: false. */
  disableSignup?: boolean;
  /** Access token lifetime. Default: 3600 s. */
  jwtExpirySeconds?: number;
  /** How long e-mailed links and codes stay valid. Default: 3600 s. */
  otpExpirySeconds?: number;
  /** Digits of e-mailed codes. Default: 6. */
  otpLength?: number;
  /** Minimum time between two e-mails of a kind to one user (Supabase CLI's local default). Default: 1 s. */
  emailMaxFrequencySeconds?: number;
  /** A revoked refresh token may be reused this long before it counts as reuse. Default: 10 s. */
  refreshTokenReuseIntervalSeconds?: number;
  /** Default: 6. */
  minimumPasswordLength?: number;
}

export type AuthConfig = Required<Omit<AuthOptions, 'siteUrl'>> & {
  siteUrl: string;
  /** `<url>/auth/v1`: the issuer and the base of links in e-mails. */
  externalUrl: string;
  /** How long a PKCE auth code stays valid (GoTrue's flow state expiry). */
  flowStateExpirySeconds: number;
};

export function authConfig(options: AuthOptions, stackUrl: string): AuthConfig {
  return {
    siteUrl: options.siteUrl ?? stackUrl,
    additionalRedirectUrls: options.additionalRedirectUrls ?? [],
    enableConfirmations: options.enableConfirmations ?? true,
    disableSignup: options.disableSignup ?? false,
    jwtExpirySeconds: options.jwtExpirySeconds ?? 3600,
    otpExpirySeconds: options.otpExpirySeconds ?? 3600,
    otpLength: options.otpLength ?? 6,
    emailMaxFrequencySeconds: options.emailMaxFrequencySeconds ?? 1,
    refreshTokenReuseIntervalSeconds: options.refreshTokenReuseIntervalSeconds ?? 10,
    minimumPasswordLength: options.minimumPasswordLength ?? 6,
    externalUrl: `${stackUrl}/auth/v1`,
    flowStateExpirySeconds: 300,
  };
}

/** `*` matches within a host label or path segment, `**` across them (GoTrue's glob rules). */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^./]*';
    else source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', '::1']);

/**
 * Whether Auth may send a browser to `url`, by GoTrue's rules: back to the site URL's scheme,
 * host and port (any port on localhost), to a loopback IP, or to an allow-listed glob.
 */
export function isAllowedRedirect(config: AuthConfig, url: string): boolean {
  let target: URL;
  let site: URL;
  try {
    target = new URL(url);
    site = new URL(config.siteUrl);
  } catch {
    return false;
  }
  if (
    target.hostname === site.hostname &&
    target.protocol === site.protocol &&
    (target.port === site.port || target.hostname === 'localhost')
  )
    return true;
  if (LOOPBACK.has(target.hostname)) return true;
  const withoutFragment = url.split('#')[0]!;
  return config.additionalRedirectUrls.some((glob) => globToRegExp(glob).test(withoutFragment));
}

/** The `redirect_to` to use: the requested one when allowed, the site URL otherwise. */
export function referrer(config: AuthConfig, requested: string | null | undefined): string {
  return requested && isAllowedRedirect(config, requested) ? requested : config.siteUrl;
}
