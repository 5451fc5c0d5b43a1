/**
 * The Stats API through the real Worker (Miniflare), the devstack's Postgres / PostgREST and its
 * local Analytics Engine: beacons → SiteLive → both stores, then every report the planner sends
 * to each store equals the ground truth computed from the sessions sent (support/stats-truth.ts).
 * Nothing is sampled locally, so every figure is exact. Also: hostile strings in every place a
 * caller controls reach the real engine only as literals, refusals carry stable codes, and API
 * keys are counted per key with the limit in RateLimit-* headers.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, inject, it, beforeAll } from 'vitest';
import type { StatsFilter } from '@sightline/schema';
import { pollUntil } from '@sightline/test-utils';
import '../support/e2e-context.js';
import { createSite, db, drain } from '../support/e2e-db.js';
import { heartbeat, newVisit, pageview, post, batch, uid } from '../support/helpers.js';
import { acceptedAtLeast, dashboardToken } from '../support/site-live.js';
import {
  truthEvents,
  truthOverview,
  truthPages,
  type SentSession,
} from '../support/stats-truth.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A service token for `sites`, as `pnpm sightline token --key` signs one for this project. */
const serviceToken = (sites: string[]) => dashboardToken(sites, 3_600, inject('stackUrl'));

interface Meta {
  source: string;
  exact: boolean;
  sampleInterval: number;
  from: string;
  to: string;
}
/** What the API answers, success or refusal (each test reads the part it expects). */
interface Reply {
  meta: Meta;
  results: unknown;
  comparison: { meta: Meta; results: unknown } | null;
  error: { code: string; message: string; issues: { path: string }[] };
  visitorsNow: number;
}
interface Answer<T> {
  meta: Meta;
  results: T;
  comparison: { meta: Meta; results: T } | null;
}

async function api(
  path: string,
  body: unknown,
  bearer: string,
): Promise<{ status: number; json: Reply; headers: Headers }> {
  const res = await SELF.fetch(`https://ingest.test/api/v1/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json<Reply>(), headers: res.headers };
}

const pick = (results: unknown) => {
  const t = results as Record<string, unknown>;
  return {
    visitors: t.visitors,
    visits: t.visits,
    pageviews: t.pageviews,
    bounceRate: t.bounceRate,
    engagedMs: t.engagedMs,
  };
};

let site: string;
let token: string;
const sessions: SentSession[] = [];
const midnight = Math.floor(Date.now() / DAY) * DAY;
// Three whole UTC days around now (a run across midnight stays inside), and a range that is not
// whole days (only Analytics Engine or Postgres' sessions answer it).
const days = {
  from: new Date(midnight - DAY).toISOString(),
  to: new Date(midnight + 2 * DAY).toISOString(),
};
const hours = {
  from: new Date(Date.now() - 3 * HOUR + 1_234).toISOString(),
  to: new Date(Date.now() + 2 * HOUR).toISOString(),
};

beforeAll(async () => {
  site = await createSite({ timezone: 'UTC', store_raw: false });
  token = await serviceToken([site]);
  const a = newVisit();
  const google = 'https://www.google.com/';
  const hn = 'https://news.ycombinator.com/item?id=1';
  const plan: Omit<SentSession, 'visitor' | 'session'>[] = [
    {
      country: 'DE',
      referrer: google,
      pages: [
        { url: '/pricing', engagedMs: 5_000 },
        { url: '/docs', engagedMs: 3_000 },
      ],
      customs: ['signup', 'signup'],
    },
    { country: 'US', pages: [{ url: '/pricing', engagedMs: 0 }] },
    {
      country: 'FR',
      referrer: google,
      pages: [{ url: '/docs', engagedMs: 2_000 }],
      customs: ['signup', 'newsletter'],
    },
    {
      country: 'DE',
      referrer: hn,
      pages: [
        { url: '/docs', engagedMs: 0 },
        { url: '/pricing', engagedMs: 0 },
        { url: '/docs', engagedMs: 1_000 },
      ],
    },
    {
      country: 'US',
      referrer: hn,
      pages: [{ url: '/blog', engagedMs: 4_000 }],
      customs: ['newsletter'],
    },
  ];
  let sent = 0;
  for (const [i, s] of plan.entries()) {
    // The last session is the first visitor's second visit: visitors are distinct people.
    const visit =
      i === plan.length - 1
        ? { visitor: a.visitor, session: uid('ses') }
        : i === 0
          ? a
          : newVisit();
    sessions.push({ ...visit, ...s });
    const events = s.pages.flatMap((p, n) => [
      pageview(visit, { url: p.url, referrer: n === 0 ? s.referrer : undefined }),
      ...(p.engagedMs ? [heartbeat(visit, { url: p.url, engagedMs: p.engagedMs })] : []),
    ]);
    for (const name of s.customs ?? [])
      events.push({ ...pageview(visit, { url: s.pages.at(-1)!.url }), type: 'custom', name });
    const res = await post(batch(site, events), {
      headers: { 'x-sightline-dev-geo': JSON.stringify({ country: s.country }) },
    });
    expect(res.status).toBe(202);
    sent += events.length;
  }
  await acceptedAtLeast(site, sent);
  await drain(site);
  await pollUntil(async () => {
    const res = await fetch(inject('analyticsEngineSqlUrl'), {
      method: 'POST',
      headers: { authorization: `Bearer ${inject('analyticsEngineApiToken')}` },
      body: `SELECT count() AS n FROM sightline_events WHERE index1 = '${site}' FORMAT JSON`,
    });
    const { data } = await res.json<{ data: { n: string }[] }>();
    return Number(data[0]?.n) >= sent;
  });
}, 120_000);

describe('Stats API answers equal the ground truth, from each store the planner picks', () => {
  const overviewCases: [string, typeof days, StatsFilter[], string][] = [
    ['whole days, no filter', days, [], 'postgres'],
    ['whole days, one country (a rollup)', days, [['is', 'country', ['DE']]], 'postgres'],
    ['is not a country', days, [['is_not', 'country', ['DE']]], 'analytics_engine'],
    ['several countries', days, [['is', 'country', ['DE', 'FR']]], 'analytics_engine'],
    ['referrer contains, any case', days, [['contains', 'referrer', ['GOOG']]], 'analytics_engine'],
    [
      'three filters with does not contain and a page',
      days,
      [
        ['does_not_contain', 'referrer', ['google']],
        ['is', 'page', ['/docs']],
        ['is_not', 'country', ['FR']],
      ],
      'analytics_engine',
    ],
    ['hours, one country (no rollup)', hours, [['is', 'country', ['DE']]], 'analytics_engine'],
    [
      'hours, exit page (Postgres sessions only)',
      hours,
      [['is', 'exit_page', ['/docs']]],
      'postgres',
    ],
  ];
  for (const [label, range, filters, source] of overviewCases)
    it(`overview: ${label} → ${source}`, async () => {
      const { status, json } = await api(`sites/${site}/overview`, { ...range, filters }, token);
      expect(status, JSON.stringify(json)).toBe(200);
      const answer = json as unknown as Answer<Record<string, number>>;
      expect(answer.meta).toMatchObject({ source, exact: true, sampleInterval: 1 });
      const truth = filters.some((f) => f[1] === 'exit_page')
        ? truthOverview(
            sessions.filter((s) => s.pages.at(-1)!.url === '/docs'),
            [],
          )
        : truthOverview(sessions, filters);
      expect(truth.visits, 'the case is not empty').toBeGreaterThan(0);
      expect(pick(answer.results)).toEqual(truth);
    });

  it('page breakdown filtered by "is not" a country → Analytics Engine, and without → Postgres', async () => {
    for (const [filters, source] of [
      [[['is_not', 'country', ['US']]], 'analytics_engine'],
      [[], 'postgres'],
    ] as [StatsFilter[], string][]) {
      const { status, json } = await api(
        `sites/${site}/breakdown`,
        { ...days, filters, dimension: 'page' },
        token,
      );
      expect(status, JSON.stringify(json)).toBe(200);
      expect(json.meta.source).toBe(source);
      const rows = json.results as Record<string, unknown>[];
      expect(rows.map((r) => ({ value: r.value, ...pick(r) }))).toEqual(
        truthPages(sessions, filters),
      );
    }
  });

  it('the custom-event breakdown from a rollup (whole days) and from Analytics Engine (hours)', async () => {
    for (const [range, source] of [
      [days, 'postgres'],
      [hours, 'analytics_engine'],
    ] as const) {
      const { status, json } = await api(
        `sites/${site}/breakdown`,
        { ...range, dimension: 'event' },
        token,
      );
      expect(status, JSON.stringify(json)).toBe(200);
      expect(json.meta.source).toBe(source);
      const rows = json.results as Record<string, unknown>[];
      expect(
        rows.map((r) => ({ value: r.value, ...pick(r) })),
        source,
      ).toEqual(truthEvents(sessions));
    }
  });

  it('time series by hour sums to the overview; a comparison period is answered on its own', async () => {
    const filters: StatsFilter[] = [['contains', 'referrer', ['ycombinator']]];
    const { status, json } = await api(
      `sites/${site}/timeseries`,
      { ...days, filters, resolution: 'hour', compare: 'previous_period' },
      token,
    );
    expect(status, JSON.stringify(json)).toBe(200);
    const answer = json as unknown as Answer<Record<string, number>[]>;
    expect(answer.meta.source).toBe('analytics_engine');
    const sum = (k: string) => answer.results.reduce((n, r) => n + r[k]!, 0);
    const truth = truthOverview(sessions, filters);
    expect([sum('visits'), sum('pageviews'), sum('engagedMs')]).toEqual([
      truth.visits,
      truth.pageviews,
      truth.engagedMs,
    ]);
    expect(answer.comparison?.meta.from).toBe(new Date(midnight - 4 * DAY).toISOString());
    expect(answer.comparison?.results).toEqual([]);
  });

  it('a breakdown as CSV has the rows of its JSON answer', async () => {
    const query = { ...days, dimension: 'page', filters: [['is_not', 'country', ['US']]] };
    const { json } = await api(`sites/${site}/breakdown`, query, token);
    const res = await SELF.fetch(`https://ingest.test/api/v1/sites/${site}/breakdown?format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(query),
    });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${site}-page.csv"`);
    const rows = json.results as Record<string, number | string>[];
    expect((await res.text()).split('\r\n')).toEqual([
      'value,visitors,visits,pageviews,bounce_rate,engaged_ms',
      ...rows.map((r) =>
        [r.value, r.visitors, r.visits, r.pageviews, r.bounceRate, r.engagedMs].join(','),
      ),
      '',
    ]);
  });

  it('two different pages, and a direct referrer (the empty value)', async () => {
    const twoPages: StatsFilter[] = [
      ['is', 'page', ['/docs']],
      ['is', 'page', ['/blog']],
    ];
    const none = await api(`sites/${site}/overview`, { ...days, filters: twoPages }, token);
    expect(none.json.meta.source).toBe('analytics_engine');
    expect(pick(none.json.results)).toEqual({
      visitors: 0,
      visits: 0,
      pageviews: 0,
      bounceRate: 0,
      engagedMs: 0,
    });
    const direct: StatsFilter[] = [['is', 'referrer', ['', 'nowhere.example']]];
    const res = await api(`sites/${site}/overview`, { ...days, filters: direct }, token);
    expect(res.json.meta.source).toBe('analytics_engine');
    expect(pick(res.json.results)).toEqual(truthOverview(sessions, direct));
  });

  it('live: the visitors on the site now', async () => {
    const { status, json } = await api(`sites/${site}/live`, undefined, token);
    expect(status).toBe(200);
    expect(json.visitorsNow).toBe(new Set(sessions.map((s) => s.visitor)).size);
  });
});

describe('hostile input reaches the real engine only as literals', () => {
  const hostile = [
    "' OR 1=1 --",
    "\\' OR 1=1 --",
    "DE') OR ('1'='1",
    "x' UNION ALL SELECT blob1 FROM sightline_events --",
    '\\',
    "'; DROP TABLE sightline_events; --",
    '%_*?',
    'é\u0000\u202e💥',
  ];
  it('in every operator and the page: answered, and equal to the truth', async () => {
    for (const value of hostile)
      for (const filter of [
        ['is', 'country', [value]],
        ['is_not', 'country', ['FR', value]],
        ['contains', 'referrer', [value]],
        ['does_not_contain', 'entry_page', [value]],
        ['is', 'page', [value]],
      ] as StatsFilter[]) {
        const { status, json } = await api(
          `sites/${site}/overview`,
          { ...hours, filters: [filter] },
          token,
        );
        expect(status, `${JSON.stringify(filter)}: ${JSON.stringify(json)}`).toBe(200);
        expect(json.meta.source).toBe('analytics_engine');
        const truth =
          filter[1] === 'entry_page'
            ? truthOverview(sessions, [])
            : truthOverview(sessions, [filter]);
        expect(pick(json.results), JSON.stringify(filter)).toEqual(truth);
      }
  });

  it('in the dimension, operator, site and range: refused with a stable code', async () => {
    for (const filter of [
      ['is', "country' OR 1=1", ['DE']],
      ["is' OR 1=1", 'country', ['DE']],
      ['is', 'country', []],
      ['is', 'country', 'DE'],
    ])
      expect(
        (await api(`sites/${site}/overview`, { ...days, filters: [filter] }, token)).json.error
          .code,
      ).toBe('invalid_query');
    const bad = await api(`sites/${site}/breakdown`, { ...days, dimension: "page' --" }, token);
    expect([bad.status, bad.json.error.code]).toEqual([400, 'invalid_query']);
    expect(bad.json.error.issues[0]?.path).toBe('dimension');
    const site404 = await api(`sites/${encodeURIComponent("x' OR 1=1")}/overview`, days, token);
    expect([site404.status, site404.json.error.code]).toEqual([404, 'unknown_site']);
    const range = await api(`sites/${site}/overview`, { from: days.to, to: days.from }, token);
    expect([range.status, range.json.error.code]).toEqual([400, 'invalid_range']);
    const notJson = await SELF.fetch(`https://ingest.test/api/v1/sites/${site}/overview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{',
    });
    expect([notJson.status, (await notJson.json<Reply>()).error.code]).toEqual([
      400,
      'invalid_json',
    ]);
  });
});

describe('what no store answers is refused, naming it', () => {
  it('beyond Analytics Engine retention, and filters only it can answer', async () => {
    const old = {
      from: new Date(midnight - 200 * DAY).toISOString(),
      to: new Date(midnight - 190 * DAY).toISOString(),
    };
    const res = await api(
      `sites/${site}/overview`,
      { ...old, filters: [['is_not', 'country', ['DE']]] },
      token,
    );
    expect([res.status, res.json.error.code]).toEqual([422, 'beyond_retention']);
    expect(res.json.error.message).toMatch(/90 days/);
    // A comparison a year back is beyond it too, and the refusal says it is the comparison.
    const compared = await api(
      `sites/${site}/overview`,
      { ...days, compare: 'previous_year', filters: [['is_not', 'country', ['DE']]] },
      token,
    );
    expect([compared.status, compared.json.error.code]).toEqual([422, 'beyond_retention']);
    expect(compared.json.error.message).toMatch(/^the comparison period \(/);
    // Whole days without a filter are a rollup's: answered however old.
    expect((await api(`sites/${site}/overview`, old, token)).json.meta.source).toBe('postgres');
  });

  it('an operator no store applies to a dimension', async () => {
    const res = await api(
      `sites/${site}/overview`,
      { ...days, filters: [['contains', 'exit_page', ['/d']]] },
      token,
    );
    expect([res.status, res.json.error.code]).toEqual([422, 'unsupported_query']);
    expect(res.json.error.message).toContain('contains exit_page');
  });
});

describe('who may ask', () => {
  async function apiKey(forSite: string): Promise<{ id: string; key: string }> {
    // Created as create_api_key would (its role checks are the database tests'): a random
    // secret, its SHA-256 stored.
    const key = `sl_key_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')}`;
    const hash = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)),
    );
    const hex = [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
    const { data, error }: { data: unknown; error: unknown } = await db
      .from('site_api_keys')
      .insert({ site_id: forSite, name: 'test', key_hash: `\\x${hex}`, prefix: key.slice(0, 12) })
      .select('id')
      .single();
    expect(error).toBeNull();
    return { id: (data as { id: string }).id, key };
  }

  it('no token, a token of another site', async () => {
    const none = await SELF.fetch(`https://ingest.test/api/v1/sites/${site}/overview`, {
      method: 'POST',
      body: JSON.stringify(days),
    });
    expect([none.status, (await none.json<Reply>()).error.code]).toEqual([401, 'invalid_token']);
    const other = await api(`sites/${site}/overview`, days, await serviceToken(['someone-else']));
    expect([other.status, other.json.error.code]).toEqual([403, 'not_readable']);
  });

  it('an API key reads its site, counted per key, with the limit in RateLimit-* headers', async () => {
    const { id, key } = await apiKey(site);
    const first = await api(
      `sites/${site}/overview`,
      { ...days, filters: [['is_not', 'country', ['DE']]] },
      key,
    );
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(pick(first.json.results)).toEqual(
      truthOverview(sessions, [['is_not', 'country', ['DE']]]),
    );
    expect(first.headers.get('RateLimit-Limit')).toBe('5');
    expect(first.headers.get('access-control-expose-headers')).toContain('RateLimit-Remaining');
    expect(first.headers.get('RateLimit-Remaining')).toBe('4');
    for (let i = 0; i < 4; i++)
      expect((await api(`sites/${site}/overview`, days, key)).status).toBe(200);
    const limited = await api(`sites/${site}/overview`, days, key);
    expect([limited.status, limited.json.error.code]).toEqual([429, 'rate_limited']);
    expect(limited.headers.get('RateLimit-Remaining')).toBe('0');
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);

    const { data: used }: { data: unknown } = await db
      .from('site_api_keys')
      .select('last_used_at')
      .eq('id', id)
      .single();
    expect((used as { last_used_at: string | null }).last_used_at).not.toBeNull();
  });

  it('a share link that hides a report is refused it from either store, and reads the rest', async () => {
    // Inserted as create_share_link stores one (its role checks are the database tests').
    const secret = `sl_${crypto.randomUUID()}`;
    const hash = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)),
    );
    const hex = [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
    const inserted = await db
      .from('share_links')
      .insert({ site_id: site, token_hash: `\\x${hex}`, hidden_reports: ['places'] });
    expect(inserted.error).toBeNull();
    const opened = await SELF.fetch('https://ingest.test/v1/share/pass', {
      method: 'POST',
      body: JSON.stringify({ token: secret }),
    });
    expect(opened.status).toBe(200);
    const { token: pass } = await opened.json<{ token: string }>();

    const allowed = await api(
      `sites/${site}/overview`,
      { ...days, filters: [['is_not', 'device', ['x']]] },
      pass,
    );
    expect(allowed.status, JSON.stringify(allowed.json)).toBe(200);
    expect(pick(allowed.json.results)).toEqual(truthOverview(sessions, []));
    for (const [path, body] of [
      ['overview', { ...days, filters: [['is_not', 'country', ['DE']]] }], // Analytics Engine
      ['overview', { ...days, filters: [['is', 'city', ['Berlin']]] }], // a Postgres rollup
      ['breakdown', { ...hours, dimension: 'region' }], // Analytics Engine
      ['breakdown', { ...days, dimension: 'country' }], // a Postgres rollup
    ] as const) {
      const res = await api(`sites/${site}/${path}`, body, pass);
      expect([res.status, res.json.error.code], JSON.stringify(body)).toEqual([
        403,
        'report_hidden',
      ]);
    }
  });

  it('a key of another site, a revoked key and a made-up key are refused', async () => {
    const elsewhere = await createSite({ timezone: 'UTC' });
    const other = await apiKey(elsewhere);
    const res = await api(`sites/${site}/overview`, days, other.key);
    expect([res.status, res.json.error.code]).toEqual([403, 'not_readable']);
    await db
      .from('site_api_keys')
      .update({ revoked_at: new Date().toISOString() })
      .eq('id', other.id);
    const revoked = await api(`sites/${elsewhere}/overview`, days, other.key);
    expect([revoked.status, revoked.json.error.code]).toEqual([401, 'invalid_api_key']);
    const madeUp = await api(`sites/${site}/overview`, days, 'sl_key_short');
    expect([madeUp.status, madeUp.json.error.code]).toEqual([401, 'invalid_api_key']);
  });
});

describe('goal and event-property breakdowns: the conversion reports, equal to the truth', () => {
  interface Custom {
    name: string;
    props?: Record<string, string>;
    revenue?: { amount: number; currency: string };
  }
  interface Sent {
    visitor: string;
    session: string;
    country: string;
    customs: Custom[];
  }
  const GOALS = [
    { name: 'Gift purchase', event_name: 'purchase', prop_key: 'plan', prop_value: 'gift' },
    { name: 'Purchase', event_name: 'purchase' },
    { name: 'Signup', event_name: 'signup' },
  ];
  let shop: string;
  let shopToken: string;
  const sent: Sent[] = [];

  beforeAll(async () => {
    shop = await createSite({ timezone: 'UTC', store_raw: false });
    shopToken = await serviceToken([shop]);
    const goals = await db.from('goals').insert(GOALS.map((g) => ({ site_id: shop, ...g })));
    expect(goals.error).toBeNull();
    const v1 = uid('vis');
    const buy = (plan: string, amount: number, currency: string): Custom => ({
      name: 'purchase',
      props: { plan, product: 'lamp' },
      revenue: { amount, currency },
    });
    const plan: Omit<Sent, 'session'>[] = [
      { visitor: v1, country: 'DE', customs: [buy('gift', 89, 'EUR')] },
      {
        visitor: uid('vis'),
        country: 'DE',
        customs: [buy('standard', 40, 'EUR'), buy('standard', 40, 'EUR')],
      },
      { visitor: uid('vis'), country: 'US', customs: [buy('gift', 10, 'USD'), { name: 'signup' }] },
      { visitor: uid('vis'), country: 'US', customs: [] },
      // The first visitor again, from France, signing up.
      { visitor: v1, country: 'FR', customs: [{ name: 'signup' }] },
    ];
    let count = 0;
    for (const p of plan) {
      const s = { ...p, session: uid('ses') };
      sent.push(s);
      const events = [
        pageview(s, { url: '/cart', referrer: undefined }),
        ...s.customs.map((c) => ({ ...pageview(s, { url: '/cart' }), type: 'custom', ...c })),
      ];
      const res = await post(batch(shop, events), {
        headers: { 'x-sightline-dev-geo': JSON.stringify({ country: s.country }) },
      });
      expect(res.status).toBe(202);
      count += events.length;
    }
    await acceptedAtLeast(shop, count);
    await drain(shop);
  }, 120_000);

  const sum = (into: Record<string, number>, c: Custom) => {
    if (c.revenue) into[c.revenue.currency] = (into[c.revenue.currency] ?? 0) + c.revenue.amount;
  };
  /** Per goal, from the sessions sent (in the country, when given): the definitions of stats_goals. */
  function truthGoals(country?: string) {
    const inRange = sent.filter((s) => !country || s.country === country);
    const visitors = new Set(inRange.map((s) => s.visitor)).size;
    return GOALS.map((g, i) => {
      const hits = inRange.flatMap((s) =>
        s.customs
          .filter(
            (c) =>
              c.name === g.event_name && (!g.prop_key || c.props?.[g.prop_key] === g.prop_value),
          )
          .map((c) => ({ visitor: s.visitor, c })),
      );
      const converted = new Set(hits.map((h) => h.visitor)).size;
      const revenue: Record<string, number> = {};
      for (const h of hits) sum(revenue, h.c);
      return {
        value: g.name,
        index: i,
        visitors: converted,
        conversions: hits.length,
        conversionRate: visitors ? converted / visitors : 0,
        revenue,
      };
    });
  }

  it('by goal, without and with a filter: Postgres, exact, equal to the truth', async () => {
    for (const [filters, country] of [
      [[], undefined],
      [[['is', 'country', ['DE']]], 'DE'],
    ] as [StatsFilter[], string | undefined][]) {
      const { status, json } = await api(
        `sites/${shop}/breakdown`,
        { ...days, dimension: 'goal', filters },
        shopToken,
      );
      expect(status, JSON.stringify(json)).toBe(200);
      expect(json.meta).toMatchObject({ source: 'postgres', exact: true, sampleInterval: 1 });
      const rows = json.results as { goalId: number }[];
      expect(rows.every((r) => Number.isInteger(r.goalId))).toBe(true);
      expect(rows.map(({ goalId: _, ...r }) => r)).toEqual(
        truthGoals(country).map(({ index: _, ...r }) => r),
      );
    }
    const truth = truthGoals();
    expect(truth.map((g) => g.visitors)).toEqual([2, 3, 2]); // the case is not empty
  });

  it('by a custom event property, with a comparison period and as CSV', async () => {
    const query = {
      ...days,
      dimension: 'event_property',
      event: 'purchase',
      property: 'plan',
      compare: 'previous_period',
    };
    const { status, json } = await api(`sites/${shop}/breakdown`, query, shopToken);
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.meta).toMatchObject({ source: 'postgres', exact: true });
    const truth = new Map<
      string,
      { visitors: Set<string>; events: number; revenue: Record<string, number> }
    >();
    for (const s of sent)
      for (const c of s.customs.filter((x) => x.name === 'purchase')) {
        const value = c.props!.plan!;
        const t = truth.get(value) ?? { visitors: new Set(), events: 0, revenue: {} };
        t.visitors.add(s.visitor);
        t.events += 1;
        sum(t.revenue, c);
        truth.set(value, t);
      }
    const expected = [...truth]
      .map(([value, t]) => ({
        value,
        visitors: t.visitors.size,
        events: t.events,
        revenue: t.revenue,
      }))
      .sort(
        (a, b) => b.visitors - a.visitors || b.events - a.events || a.value.localeCompare(b.value),
      );
    expect(json.results).toEqual(expected);
    expect(json.comparison).toMatchObject({ meta: { source: 'postgres' }, results: [] });

    const res = await SELF.fetch(`https://ingest.test/api/v1/sites/${shop}/breakdown?format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shopToken}` },
      body: JSON.stringify(query),
    });
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="${shop}-event_property.csv"`,
    );
    expect((await res.text()).split('\r\n')).toEqual([
      'value,visitors,events,revenue',
      'gift,2,2,EUR 89; USD 10',
      'standard,1,2,EUR 80',
      '',
    ]);
  });

  it('refuses what the conversion reports cannot answer, with stable codes; hostile names stay literals', async () => {
    const notIs = await api(
      `sites/${shop}/breakdown`,
      { ...days, dimension: 'goal', filters: [['is_not', 'country', ['DE']]] },
      shopToken,
    );
    expect([notIs.status, notIs.json.error.code]).toEqual([422, 'unsupported_query']);
    expect(notIs.json.error.message).toContain('Postgres');
    const old = await api(
      `sites/${shop}/breakdown`,
      {
        from: new Date(midnight - 500 * DAY).toISOString(),
        to: new Date(midnight - 499 * DAY).toISOString(),
        dimension: 'goal',
      },
      shopToken,
    );
    expect([old.status, old.json.error.code]).toEqual([422, 'beyond_retention']);
    const missing = await api(
      `sites/${shop}/breakdown`,
      { ...days, dimension: 'event_property', event: 'purchase' },
      shopToken,
    );
    expect([missing.status, missing.json.error.code]).toEqual([400, 'invalid_query']);
    expect(missing.json.error.issues[0]?.path).toBe('property');
    for (const hostile of ["plan' OR 1=1 --", "'; DROP TABLE public.goals; --", '%_*?'])
      for (const body of [
        { event: hostile, property: 'plan' },
        { event: 'purchase', property: hostile },
      ]) {
        const res = await api(
          `sites/${shop}/breakdown`,
          { ...days, dimension: 'event_property', ...body },
          shopToken,
        );
        expect([res.status, res.json.results], JSON.stringify(body)).toEqual([200, []]);
      }
    const goals = await db.from('goals').select('id').eq('site_id', shop);
    expect(goals.data).toHaveLength(GOALS.length);
  });

  it('a share link that hides the conversions is refused them; one that shows them reads them', async () => {
    const passFor = async (hidden: string[]) => {
      const secret = `sl_${crypto.randomUUID()}`;
      const hash = new Uint8Array(
        await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)),
      );
      const hex = [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
      const inserted = await db
        .from('share_links')
        .insert({ site_id: shop, token_hash: `\\x${hex}`, hidden_reports: hidden });
      expect(inserted.error).toBeNull();
      const opened = await SELF.fetch('https://ingest.test/v1/share/pass', {
        method: 'POST',
        body: JSON.stringify({ token: secret }),
      });
      return (await opened.json<{ token: string }>()).token;
    };
    const hiding = await passFor(['conversions']);
    for (const body of [
      { dimension: 'goal' },
      { dimension: 'event_property', event: 'purchase', property: 'plan' },
    ]) {
      const res = await api(`sites/${shop}/breakdown`, { ...days, ...body }, hiding);
      expect([res.status, res.json.error.code], JSON.stringify(body)).toEqual([
        403,
        'report_hidden',
      ]);
    }
    const showing = await passFor([]);
    const res = await api(`sites/${shop}/breakdown`, { ...days, dimension: 'goal' }, showing);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect((res.json.results as unknown[]).length).toBe(GOALS.length);
  });
});
