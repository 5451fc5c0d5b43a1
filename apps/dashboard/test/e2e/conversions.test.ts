/**
 * Goals, properties, a funnel and outbound links in the built dashboard, in real Chromium against the real
 * local stack. The numbers on screen must equal a ground truth computed here from the seeded
 * raw events (not from the database): a page goal's and an event goal's conversion rate and
 * revenue, the event's property values, and the visitors at each step of an ordered funnel.
 * A goal added through the settings form appears in the report.
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

let truth: {
  pricingCr: string;
  purchaseCr: string;
  buyers: number;
  gifts: number;
  funnel: [number, number];
};

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
});
