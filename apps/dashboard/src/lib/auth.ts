/**
 * Sign-in with Supabase Auth through the official @supabase/auth-js: password, e-mail link or
 * one-time code, sign-up with a confirmation e-mail. Links use PKCE (the browser that asked
 * holds the verifier; the link comes back with `?code=`), except those Auth sends on its own
 * initiative, invitations and magic links sent for an invitation, which come back with the
 * session in the URL fragment. Both are taken out of the address bar here.
 */
import { AuthClient, type Session } from '@supabase/auth-js';
import type { DashboardConfig } from './config.js';

export type { Session };
export type Auth = InstanceType<typeof AuthClient>;

/** After an explicit sign-out, `pnpm dev`'s demo account does not sign in by itself again. */
const DEMO_OFF = 'sightline.demo-signed-out';

export function createAuth(config: DashboardConfig): Auth {
  return new AuthClient({
    url: `${config.supabaseUrl}/auth/v1`,
    headers: { apikey: config.publishableKey },
    storageKey: 'sightline.auth',
    flowType: 'pkce',
    persistSession: true,
    autoRefreshToken: true,
    // The links are read below: auth-js in PKCE mode would refuse an invitation's fragment.
    detectSessionInUrl: false,
  });
}

/** Where e-mailed links should land: this page, without query or fragment. */
export function redirectUrl(loc: Location = window.location): string {
  return `${loc.origin}${loc.pathname}`;
}

function cleanUrl(remove: string[], loc: Location = window.location): void {
  const query = new URLSearchParams(loc.search);
  for (const key of remove) query.delete(key);
  const q = query.toString();
  history.replaceState(history.state, '', `${loc.pathname}${q ? `?${q}` : ''}`);
}

/**
 * Finishes a sign-in that came back from an e-mail: `?code=` (PKCE), `#access_token=…`
 * (implicit), or `#error=…`. Returns an error message to show, or null.
 */
export async function completeRedirect(
  auth: Auth,
  loc: Location = window.location,
): Promise<string | null> {
  const query = new URLSearchParams(loc.search);
  const fragment = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const error = query.get('error_description') ?? fragment.get('error_description');
  if (error || query.get('error') || fragment.get('error')) {
    cleanUrl(['error', 'error_code', 'error_description']);
    return error ?? 'the link could not be used';
  }
  const code = query.get('code');
  if (code) {
    cleanUrl(['code']);
    const { error: exchange } = await auth.exchangeCodeForSession(code);
    return exchange
      ? `${exchange.message} (open the link in the browser where you asked for it, or enter the code from the e-mail)`
      : null;
  }
  const access = fragment.get('access_token');
  const refresh = fragment.get('refresh_token');
  if (access && refresh) {
    cleanUrl([]);
    const { error: set } = await auth.setSession({ access_token: access, refresh_token: refresh });
    return set ? set.message : null;
  }
  return null;
}

/** `pnpm dev`: sign the demo owner in with a real password session, unless they signed out. */
export async function demoSignIn(auth: Auth, config: DashboardConfig): Promise<void> {
  if (!config.demo || localStorage.getItem(DEMO_OFF)) return;
  await auth.signInWithPassword(config.demo);
}

export async function signOut(auth: Auth): Promise<void> {
  try {
    localStorage.setItem(DEMO_OFF, '1');
  } catch {
    // Private mode without storage.
  }
  await auth.signOut();
}

/** The current access token (auth-js refreshes it before it expires). */
export async function accessToken(auth: Auth): Promise<string> {
  const { data } = await auth.getSession();
  return data.session?.access_token ?? '';
}
