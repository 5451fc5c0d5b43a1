/**
 * Where the dashboard finds its stack. Build-time Vite env wins; a runtime `/config.json` on the
 * same origin fills the gaps, so one build can be pointed at any stack without rebuilding.
 */
export interface DashboardConfig {
  /** Project URL: `${supabaseUrl}/rest/v1`, `/auth/v1` and `/realtime/v1`. */
  supabaseUrl: string;
  /** The project's publishable key (`sb_publishable_…`; the legacy anon key works too). */
  publishableKey: string;
  /** The ingest Worker: live passes, share links, invitations, the tracker snippet. */
  ingestUrl: string;
  /** Optional: with it the map uses mapbox-gl, without it maplibre-gl and an offline style. */
  mapboxToken: string;
  /**
   * Only from the local stack's runtime config (`pnpm dev`): the demo owner's e-mail and
   * password, to open the dashboard signed in with a real session.
   */
  demo: { email: string; password: string } | null;
}

export class ConfigError extends Error {
  readonly code = 'config_missing';
}

interface Values {
  supabaseUrl?: string;
  publishableKey?: string;
  ingestUrl?: string;
  mapboxToken?: string;
  demo?: { email: string; password: string };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The known fields of a config source (build env or /config.json), strings only. */
export function pick(source: Record<string, unknown>): Values {
  const demo = source.demo as Record<string, unknown> | undefined;
  const email = str(demo?.email);
  const password = str(demo?.password);
  return {
    supabaseUrl: str(source.supabaseUrl),
    // `anonKey`: what configurations written before the publishable key call it.
    publishableKey: str(source.publishableKey) ?? str(source.anonKey),
    ingestUrl: str(source.ingestUrl),
    mapboxToken: str(source.mapboxToken),
    demo: email && password ? { email, password } : undefined,
  };
}

const trim = (url: string): string => url.replace(/\/+$/, '');

/** Merges build-time values over runtime ones and checks the required ones are there. */
export function resolveConfig(env: Values, runtime: Values): DashboardConfig {
  const supabaseUrl = trim(env.supabaseUrl ?? runtime.supabaseUrl ?? '');
  const publishableKey = env.publishableKey ?? runtime.publishableKey ?? '';
  if (!supabaseUrl || !publishableKey) {
    throw new ConfigError(
      'No stack configured: set VITE_SUPABASE_URL and VITE_SUPABASE_PUBLISHABLE_KEY (and VITE_SIGHTLINE_INGEST_URL), or serve /config.json with { "supabaseUrl", "publishableKey", "ingestUrl" }.',
    );
  }
  return {
    supabaseUrl,
    publishableKey,
    ingestUrl: trim(env.ingestUrl ?? runtime.ingestUrl ?? ''),
    mapboxToken: env.mapboxToken ?? runtime.mapboxToken ?? '',
    demo: runtime.demo ?? null,
  };
}

async function fetchRuntimeConfig(): Promise<Values> {
  try {
    const res = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
    if (!res.ok) return {};
    const body: unknown = await res.json();
    return typeof body === 'object' && body !== null ? pick(body as Record<string, unknown>) : {};
  } catch {
    // No file (or not JSON: a dev server answering index.html) means "no runtime config".
    return {};
  }
}

export async function loadConfig(): Promise<DashboardConfig> {
  const env = pick({
    supabaseUrl: import.meta.env.VITE_SUPABASE_URL,
    publishableKey:
      import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY ?? import.meta.env.VITE_SUPABASE_ANON_KEY,
    ingestUrl: import.meta.env.VITE_SIGHTLINE_INGEST_URL,
    mapboxToken: import.meta.env.VITE_MAPBOX_TOKEN,
  });
  // Always asked: besides the URLs and key, the local stack's file may carry the demo sign-in.
  const runtime = await fetchRuntimeConfig();
  return resolveConfig(env, runtime);
}
