/**
 * Where the dashboard finds its stack. Build-time Vite env wins; a runtime `/config.json` on the
 * same origin fills the gaps, so one build can be pointed at any stack without rebuilding.
 */
export interface DashboardConfig {
  /** Project URL: `${supabaseUrl}/rest/v1` and `${supabaseUrl}/realtime/v1`. */
  supabaseUrl: string;
  anonKey: string;
  /** Optional: with it the map uses mapbox-gl, without it maplibre-gl and an offline style. */
  mapboxToken: string;
  /** Optional default dashboard token (the local stack's demo token); a user token wins. */
  token: string;
  /**
   * The ingest Worker's origin. The live view asks it to push (POST /v1/sites/:id/watch, renewed
   * while open): without it the live view shows the first snapshot but receives no pushes.
   */
  ingestUrl: string;
}

export class ConfigError extends Error {
  readonly code = 'config_missing';
}

type Partial = { [K in keyof DashboardConfig]?: string };

function pick(source: Record<string, unknown>): Partial {
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : undefined;
  return {
    supabaseUrl: str(source.supabaseUrl),
    anonKey: str(source.anonKey),
    mapboxToken: str(source.mapboxToken),
    token: str(source.token),
    ingestUrl: str(source.ingestUrl),
  };
}

/** Merges build-time values over runtime ones and checks the required pair is there. */
export function resolveConfig(env: Partial, runtime: Partial): DashboardConfig {
  const supabaseUrl = (env.supabaseUrl ?? runtime.supabaseUrl ?? '').replace(/\/+$/, '');
  const anonKey = env.anonKey ?? runtime.anonKey ?? '';
  if (!supabaseUrl || !anonKey) {
    throw new ConfigError(
      'No stack configured: set VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY, or serve /config.json with { "supabaseUrl", "anonKey" }.',
    );
  }
  return {
    supabaseUrl,
    anonKey,
    mapboxToken: env.mapboxToken ?? runtime.mapboxToken ?? '',
    token: runtime.token ?? '',
    ingestUrl: (env.ingestUrl ?? runtime.ingestUrl ?? '').replace(/\/+$/, ''),
  };
}

async function fetchRuntimeConfig(): Promise<Partial> {
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
    anonKey: import.meta.env.VITE_SUPABASE_ANON_KEY,
    mapboxToken: import.meta.env.VITE_MAPBOX_TOKEN,
    ingestUrl: import.meta.env.VITE_INGEST_URL,
  });
  // Always asked: besides the URL and key, the runtime file may carry the local demo token.
  const runtime = await fetchRuntimeConfig();
  return resolveConfig(env, runtime);
}
