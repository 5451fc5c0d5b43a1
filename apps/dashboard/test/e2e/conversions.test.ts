/**
 * Goals, properties, a funnel and outbound links in the built dashboard, in real Chromium against the real
 * local stack. The numbers on screen must equal a ground truth computed here from the seeded
 * raw events (not from the database): a page goal's and an event goal's conversion rate and
 * revenue, the event's property values, the visitors at each step of an ordered funnel, a
 * selected goal's columns in the countries breakdown, and a page's LCP at p75. A goal added
 * through the settings form appears in the report; goals and funnels are edited and deleted
 * there.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { IngestBatch, IngestEvent } from '@sightline/schema';
import { PostgrestClient } from '@sightline/postgrest';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startSeededStack, SITE, type SeededStack } from '../support/stack.js';
import { serveDist, type StaticServer } from '../support/static-server.js';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
/** Set to write docs/images/goals-funnel.png (the docs' screenshot) from this run. */
const SCREENSHOT = process.env.SIGHTLINE_SCREENSHOTS === '1';
const repo = (path: string): string =>
  fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

let seeded: SeededStack;
let web: StaticServer;
let browser: Browser;
const pageErrors: string[] = [];

/** Purchases: the first visitor of every three buys once in its first session, as a gift every
 * other time; written like the Worker writes custom events (with their sessions). */
function purchases(batch: IngestBatch): { batch: IngestBatch; buyers: Set<string> } {
  const firstSessions = new Map<string, string>();
  for (const s of batch.sessions) {
    if (!firstSessions.has(s.visitor_id)) firstSessions.set(s.visitor_id, s.session_id);
  }
  const events: IngestEvent[] = [];
  const buyers = new Set<string>();
  let n = 0;
  for (const [visitor, session] of firstSessions) {
    if (n++ % 3 !== 0) continue;
    const first = batch.events.find((e) => e.session_id === session)!;
    buyers.add(visitor);
    events.push({
      ...first,
      id: `${session}-purchase`,
      type: 'custom',
      name: 'purchase',
      props: { plan: buyers.size % 2 === 1 ? 'gift' : 'pro' },
      at: new Date(Date.parse(first.at) + 1_000).toISOString(),
      revenue: { amount: 49, currency: 'EUR' },
    });
    // Their first page reported its web vitals (LCP 1.0 s, 1.1 s, ...).
    events.push({
      ...first,
      id: `${session}-vitals`,
      type: 'vitals',
      name: '',
      props: null,
      at: new Date(Date.parse(first.at) + 200).toISOString(),
      vitals: { lcp: 900 + 100 * buyers.size, inp: 120, cls: 0.05, ttfb: 300, fcp: 800 },
    });
    // Buyers follow a link to the payment provider first (an outbound click, by target).
    events.push({
      ...first,
      id: `${session}-outbound`,
      type: 'outbound',
      name: 'https://pay.example/checkout',
      props: null,
      at: new Date(Date.parse(first.at) + 500).toISOString(),
    });
  }
  const sessionIds = new Set(events.map((e) => e.session_id));
  return {
    batch: {
      batch_id: `${batch.batch_id}-purchases`,
      store_raw: true,
      events,
      sessions: batch.sessions.filter((s) => sessionIds.has(s.session_id)),
      visitors: batch.visitors.filter((v) => buyers.has(v.visitor_id)),
    },
    buyers,
  };
}

/** Visitors with a session that viewed `a` and, at or after its first view of `a`, `b`. */
function funnelTruth(events: IngestEvent[], a: string, b: string): [number, number] {
  const bySession = new Map<string, IngestEvent[]>();
  for (const e of events) {
    if (e.type !== 'pageview') continue;
    bySession.set(e.session_id, [...(bySession.get(e.session_id) ?? []), e]);
  }
  const first = new Set<string>();
  const second = new Set<string>();
  for (const views of bySession.values()) {
    const t1 = Math.min(...views.filter((v) => v.path === a).map((v) => Date.parse(v.at)));
    if (!Number.isFinite(t1)) continue;
    first.add(views[0]!.visitor_id);
    if (views.some((v) => v.path === b && Date.parse(v.at) >= t1)) second.add(views[0]!.visitor_id);
  }
  return [first.size, second.size];
}

const percent = (ratio: number): string => `${Math.round(ratio * 1000) / 10}%`;

/** The continuous 75th percentile (percentile_cont, the web-vitals convention). */
function p75(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = 0.75 * (sorted.length - 1);
  const lo = Math.floor(rank);
  return sorted[lo]! + (sorted[Math.ceil(rank)]! - sorted[lo]!) * (rank - lo);
}

let truth: {
  pricingCr: string;
  purchaseCr: string;
  buyers: number;
  gifts: number;
  funnel: [number, number];
  /** Per country: visitors, buyers among them. */
  byCountry: Map<string, { visitors: number; buyers: number }>;
  /** A page whose loads reported vitals, and its LCP at p75 in ms. */
  vitals: { path: string; lcp: number };
};

/** Per country (of the sessions): distinct visitors, and those of them who bought. */
function countryTruth(
  sessions: IngestBatch['sessions'],
  buyers: Set<string>,
): Map<string, { visitors: number; buyers: number }> {
  const visitors = new Map<string, Set<string>>();
  for (const s of sessions) {
    visitors.set(s.country, (visitors.get(s.country) ?? new Set()).add(s.visitor_id));
  }
  return new Map(
    [...visitors].map(([country, set]) => [
      country,
      { visitors: set.size, buyers: [...set].filter((v) => buyers.has(v)).length },
    ]),
  );
}

/** The page with the most vitals reports, and its LCP at p75. */
function vitalsTruth(events: IngestEvent[]): { path: string; lcp: number } {
  const byPath = new Map<string, number[]>();
  for (const e of events) {
    if (e.type !== 'vitals' || !e.vitals?.lcp) continue;
    byPath.set(e.path, [...(byPath.get(e.path) ?? []), e.vitals.lcp]);
  }
  const [path, lcps] = [...byPath].sort((a, b) => b[1].length - a[1].length)[0]!;
  return { path, lcp: p75(lcps) };
}

beforeAll(async () => {
  seeded = await startSeededStack();
  const admin = new PostgrestClient(`${seeded.stack.url}/rest/v1`, {
    headers: {
      apikey: seeded.stack.serviceRoleKey,
      Authorization: `Bearer ${seeded.stack.serviceRoleKey}`,
    },
  });
  const bought = purchases(seeded.batch);
  const ingest = await admin.rpc('ingest_batch', { payload: bought.batch });
  if (ingest.error) throw new Error(`ingest_batch: ${ingest.error.message}`);
  const goals = await admin.from('goals').insert([
    { site_id: SITE, name: 'Saw pricing', page_path: '/pricing' },
    { site_id: SITE, name: 'Purchase', event_name: 'purchase' },
  ]);
  if (goals.error) throw new Error(`goals: ${goals.error.message}`);
  const funnel = await admin.from('funnels').insert({
    site_id: SITE,
    name: 'Home to pricing',
    steps: [{ page: '/' }, { page: '/pricing' }],
  });
  if (funnel.error) throw new Error(`funnels: ${funnel.error.message}`);

  const pricing = new Set(
    seeded.batch.events.filter((e) => e.path === '/pricing').map((e) => e.visitor_id),
  );
  truth = {
    pricingCr: percent(pricing.size / seeded.truth.visitors),
    purchaseCr: percent(bought.buyers.size / seeded.truth.visitors),
    buyers: bought.buyers.size,
    gifts: bought.batch.events.filter((e) => e.props?.plan === 'gift').length,
    funnel: funnelTruth(seeded.batch.events, '/', '/pricing'),
    byCountry: countryTruth(seeded.batch.sessions, bought.buyers),
    vitals: vitalsTruth(bought.batch.events),
  };
  web = await serveDist(dist, {
    supabaseUrl: seeded.stack.url,
    anonKey: seeded.stack.anonKey,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await seeded?.stop();
});

async function open(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${web.url}${path}#token=${seeded.token}`);
  return page;
}

describe('conversions', () => {
  it('shows goals with conversion rates and revenue, properties and the funnel steps', async () => {
    expect(truth.buyers).toBeGreaterThan(1);
    expect(truth.funnel[0]).toBeGreaterThan(truth.funnel[1]);
    const page = await open(`/?site=${SITE}&range=24h`);
    const goals = page.getByTestId('goals');
    const row = (name: string) => goals.locator('tbody tr', { hasText: name });

    await expect
      .poll(() => row('Saw pricing').getByTestId('goal-cr').textContent())
      .toBe(truth.pricingCr);
    expect(await row('Purchase').getByTestId('goal-cr').textContent()).toBe(truth.purchaseCr);
    const purchase = await row('Purchase').locator('td').allTextContents();
    expect(purchase.slice(1)).toEqual([
      String(truth.buyers),
      String(truth.buyers),
      truth.purchaseCr,
      new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(49 * truth.buyers),
    ]);

    // The event goal's properties: plan = gift / pro, with their events.
    await row('Purchase').click();
    const props = page.getByTestId('goal-properties');
    await expect
      .poll(() => props.locator('tbody tr', { hasText: 'gift' }).locator('td').allTextContents())
      .toEqual([
        'plan',
        'gift',
        String(truth.gifts),
        String(truth.gifts),
        new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(
          49 * truth.gifts,
        ),
      ]);

    // The funnel: visitors per step as computed from the raw page views.
    const funnel = page.getByTestId('funnel');
    await expect
      .poll(() => funnel.getByTestId('funnel-step-1').getByTestId('funnel-visitors').textContent())
      .toBe(`${truth.funnel[0]} visitors`);
    expect(
      await funnel.getByTestId('funnel-step-2').getByTestId('funnel-visitors').textContent(),
    ).toBe(`${truth.funnel[1]} visitors`);
    expect(await funnel.getByTestId('funnel-step-2').textContent()).toContain(
      `${percent(truth.funnel[1] / truth.funnel[0])} · −${truth.funnel[0] - truth.funnel[1]}`,
    );

    // Outbound links by target: every buyer clicked once.
    await expect
      .poll(() =>
        page
          .getByTestId('links-outbound')
          .locator('tbody tr', { hasText: 'https://pay.example/checkout' })
          .locator('td')
          .allTextContents(),
      )
      .toEqual(['https://pay.example/checkout', String(truth.buyers), String(truth.buyers)]);

    if (SCREENSHOT) {
      await mkdir(repo('docs/images'), { recursive: true });
      await page.locator('.conversions').screenshot({ path: repo('docs/images/goals-funnel.png') });
    }
    expect(pageErrors).toEqual([]);
  });

  it('adds a goal from the settings form; a bad pattern gets the database message', async () => {
    const page = await open(`/?site=${SITE}&range=24h`);
    const form = page.getByRole('form', { name: 'Add a goal' });
    await form.getByLabel('Name', { exact: true }).fill('Docs reader');
    await form.getByRole('combobox').selectOption('page');
    await form.getByLabel(/Page path/).fill('/docs?x=1');
    await form.getByRole('button', { name: 'Add goal' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('page_path');

    await form.getByLabel(/Page path/).fill('/docs');
    await form.getByRole('button', { name: 'Add goal' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toBe('Goal added.');
    const docs = new Set(
      seeded.batch.events.filter((e) => e.path === '/docs').map((e) => e.visitor_id),
    );
    await expect
      .poll(() =>
        page
          .getByTestId('goals')
          .locator('tbody tr', { hasText: 'Docs reader' })
          .getByTestId('goal-cr')
          .textContent(),
      )
      .toBe(percent(docs.size / seeded.truth.visitors));
    expect(pageErrors).toEqual([]);
  });
  it('shows a selected goal as columns of every breakdown: conversions, rate and revenue', async () => {
    const page = await open(`/?site=${SITE}&range=24h`);
    const goals = page.getByTestId('goals');
    await goals.locator('tbody tr', { hasText: 'Purchase' }).click();
    const countries = page.getByTestId('breakdown-country');
    const cells = (country: string) =>
      countries
        .locator('tbody tr', { hasText: country })
        .locator('[data-testid^="goal-"]')
        .allTextContents();
    const eur = (n: number) =>
      new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(n);
    const expected = [...truth.byCountry].map(([country, c]): [string, string[]] => [
      country,
      [
        String(c.buyers),
        percent(c.visitors > 0 ? c.buyers / c.visitors : 0),
        c.buyers > 0 ? eur(49 * c.buyers) : '',
      ],
    ]);
    expect(expected.some(([, [buyers]]) => buyers !== '0')).toBe(true);
    for (const [country, want] of expected) {
      await expect.poll(() => cells(country)).toEqual(want);
    }
    // Another card, another dimension: the pages card has the goal columns too.
    await expect
      .poll(() => page.getByTestId('breakdown-page').locator('th').allTextContents())
      .toEqual(['Pages', 'Visitors', 'Views', 'Conv.', 'CR', 'Revenue']);

    if (SCREENSHOT) {
      await mkdir(repo('docs/images'), { recursive: true });
      await page
        .locator('.breakdowns')
        .screenshot({ path: repo('docs/images/goal-breakdowns.png') });
    }

    // Choosing the goal again takes the columns away.
    await goals.locator('tbody tr', { hasText: 'Purchase' }).click();
    await expect.poll(() => countries.locator('th').count()).toBe(3);
    expect(pageErrors).toEqual([]);
  });

  it('shows scroll depth and web vitals per page, LCP at p75', async () => {
    const page = await open(`/?site=${SITE}&range=24h`);
    const row = page
      .getByTestId('page-engagement')
      .getByTestId('engagement-row')
      .filter({
        has: page.locator('td:first-child', { hasText: new RegExp(`^${truth.vitals.path}$`) }),
      });
    const lcp = truth.vitals.lcp;
    await expect
      .poll(() => row.getByTestId('lcp_p75').textContent())
      .toBe(lcp < 1000 ? `${Math.round(lcp)} ms` : `${(lcp / 1000).toFixed(2)} s`);
    expect(await row.getByTestId('cls_p75').textContent()).toBe('0.05');
    if (SCREENSHOT) {
      await mkdir(repo('docs/images'), { recursive: true });
      await page
        .getByTestId('page-engagement')
        .screenshot({ path: repo('docs/images/page-engagement.png') });
    }
    expect(pageErrors).toEqual([]);
  });

  it('edits and deletes goals and funnels; a goal a funnel uses stays', async () => {
    const page = await open(`/?site=${SITE}&range=24h`);
    const settings = page.getByRole('region', { name: 'Goals and funnels settings' });
    const goalDefs = settings.getByTestId('goal-defs');
    const funnelDefs = settings.getByTestId('funnel-defs');
    const status = settings.getByTestId('settings-status');
    const db = new PostgrestClient(`${seeded.stack.url}/rest/v1`, {
      headers: {
        apikey: seeded.stack.serviceRoleKey,
        Authorization: `Bearer ${seeded.stack.serviceRoleKey}`,
      },
    });

    // Rename a goal and make it a page goal.
    await goalDefs
      .locator('li', { hasText: 'Saw pricing' })
      .getByRole('button', { name: 'Edit' })
      .click();
    const form = page.getByRole('form', { name: 'Edit the goal' });
    await form.getByLabel('Name', { exact: true }).fill('Read the docs');
    await form.getByLabel(/Page path/).fill('/docs');
    await form.getByRole('button', { name: 'Save goal' }).click();
    await expect.poll(() => status.textContent()).toBe('Goal changed.');
    const docs = new Set(
      seeded.batch.events.filter((e) => e.path === '/docs').map((e) => e.visitor_id),
    );
    await expect
      .poll(() =>
        page
          .getByTestId('goals')
          .locator('tbody tr', { hasText: 'Read the docs' })
          .getByTestId('goal-cr')
          .textContent(),
      )
      .toBe(percent(docs.size / seeded.truth.visitors));
    expect(
      await page.getByTestId('goals').locator('tbody tr', { hasText: 'Saw pricing' }).count(),
    ).toBe(0);

    // A funnel that uses the goal: deleting the goal is refused, with the database's reason.
    const add = page.getByRole('form', { name: 'Add a funnel' });
    await add.getByLabel('Name', { exact: true }).fill('Home to docs');
    await add.getByLabel(/Steps/).fill('/\nRead the docs');
    await add.getByRole('button', { name: 'Add funnel' }).click();
    await expect.poll(() => funnelDefs.locator('li', { hasText: 'Home to docs' }).count()).toBe(1);
    const readDocs = goalDefs.locator('li', { hasText: 'Read the docs' });
    await readDocs.getByRole('button', { name: 'Delete' }).click();
    await readDocs.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => status.textContent()).toContain('Could not delete the goal');
    expect(await status.textContent()).toContain('Home to docs');

    // Edit the funnel's time limit, then delete the funnel, then the goal.
    const homeToDocs = funnelDefs.locator('li', { hasText: 'Home to docs' });
    await homeToDocs.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit the funnel' });
    expect(await edit.getByLabel(/Steps/).inputValue()).toBe('/\nRead the docs');
    await edit.getByLabel(/Time limit/).fill('30');
    await edit.getByRole('button', { name: 'Save funnel' }).click();
    await expect.poll(() => status.textContent()).toBe('Funnel changed.');
    const stored = await db.from('funnels').select('window_seconds').eq('name', 'Home to docs');
    expect(stored.data).toEqual([{ window_seconds: 1800 }]);
    await homeToDocs.getByRole('button', { name: 'Delete' }).click();
    await homeToDocs.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => status.textContent()).toBe('Funnel deleted.');
    await readDocs.getByRole('button', { name: 'Delete' }).click();
    await readDocs.getByRole('button', { name: 'Confirm delete' }).click();
    await expect.poll(() => status.textContent()).toBe('Goal deleted.');
    await expect
      .poll(() =>
        page.getByTestId('goals').locator('tbody tr', { hasText: 'Read the docs' }).count(),
      )
      .toBe(0);

    // What the database holds now.
    const names = async (table: string) =>
      ((await db.from(table).select('name').eq('site_id', SITE)).data as { name: string }[]).map(
        (r) => r.name,
      );
    expect(await names('funnels')).not.toContain('Home to docs');
    expect(await names('goals')).not.toContain('Read the docs');
    expect(pageErrors).toEqual([]);
  });
});
