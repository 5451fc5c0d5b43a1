import { describe, expect, it } from 'vitest';
import model from '../src/value-score/model.json';
import {
  defaultValueModel,
  parseValueModel,
  predictConversion,
  scoreVisit,
  ValueModelError,
  type ValueModel,
  type VisitFeatures,
} from '../src/value-score/index.js';

const visit = (over: Partial<VisitFeatures> = {}): VisitFeatures => ({
  pageviews: 5,
  engagedMs: 120_000,
  returning: true,
  sourceClass: 'search',
  device: 'desktop',
  weekend: false,
  month: 5,
  ...over,
});

describe('scoreVisit', () => {
  it('returns an integer from 0 to 100', () => {
    for (let pv = 0; pv <= 200; pv += 7) {
      for (const secs of [0, 5, 60, 600, 3600, 86_400]) {
        for (const month of [1, 2, 6, 11, 12]) {
          const s = scoreVisit(visit({ pageviews: pv, engagedMs: secs * 1000, month }));
          expect(Number.isInteger(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(100);
        }
      }
    }
  });

  it('scores a deep, engaged product visit far above a bounce', () => {
    const bounce = scoreVisit(visit({ pageviews: 1, engagedMs: 0 }));
    const deep = scoreVisit(
      visit({
        pageviews: 40,
        engagedMs: 1_800_000,
        pagesByGroup: { productrelated: { views: 38, engagedMs: 1_700_000 } },
        month: 11,
      }),
    );
    expect(bounce).toBeLessThanOrEqual(2);
    expect(deep).toBeGreaterThan(bounce + 15);
  });

  it('agrees with the probability it rounds', () => {
    const v = visit({ pageviews: 12, engagedMs: 600_000 });
    expect(scoreVisit(v)).toBe(Math.round(predictConversion(v) * 100));
  });

  it('matches group names case-insensitively', () => {
    const a = visit({ pagesByGroup: { ProductRelated: { views: 9, engagedMs: 400_000 } } });
    const b = visit({ pagesByGroup: { productrelated: { views: 9, engagedMs: 400_000 } } });
    expect(predictConversion(a)).toBe(predictConversion(b));
  });

  it('never throws and stays in range on junk input', () => {
    const junk: unknown[] = [
      undefined,
      null,
      42,
      'visit',
      [],
      {},
      { pageviews: NaN, engagedMs: -5, returning: 'yes', weekend: 1, month: 13 },
      { pageviews: Infinity, engagedMs: Infinity, month: 2.5 },
      { pageviews: -3, engagedMs: Number.MAX_VALUE, month: -1, sourceClass: 42, os: {} },
      { pagesByGroup: null },
      { pagesByGroup: { productrelated: null, x: 'y', '': { views: NaN, engagedMs: -1 } } },
      { pagesByGroup: { productrelated: { views: 1e308, engagedMs: 1e308 } }, pageviews: 1e308 },
    ];
    for (const input of junk) {
      const s = scoreVisit(input as VisitFeatures);
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(100);
    }
  });

  it('falls back to the shipped model when handed a malformed one', () => {
    const broken = { version: 1, kind: 'logistic', weights: 'no' } as unknown as ValueModel;
    expect(scoreVisit(visit(), broken)).toBe(scoreVisit(visit(), defaultValueModel));
  });

  it('uses a caller-supplied model', () => {
    const always: ValueModel = {
      version: 1,
      kind: 'logistic',
      features: ['returning'],
      groups: [],
      defaultGroup: 'all',
      intercept: 0,
      weights: [50],
    };
    expect(scoreVisit(visit({ returning: true }), always)).toBe(100);
    expect(scoreVisit(visit({ returning: false }), always)).toBe(50);
  });
});

describe('model.json', () => {
  it('is a valid model', () => {
    const { data, error } = parseValueModel(model);
    expect(error).toBeNull();
    expect(data).toBe(model);
  });

  it('stays small', () => {
    expect(JSON.stringify(model).length).toBeLessThan(32_000);
  });

  it('uses only what the tracker observes', () => {
    const allowed =
      /^(pageviews|engaged|bounce|returning|weekend|(views|engaged):[a-z]+|month:([1-9]|1[0-2])|(source|device|os|browser):.+)$/;
    const base = (f: string) => f.replace(/^hinge:[-0-9.]+:/, '').split('*');
    for (const f of defaultValueModel.features.flatMap(base)) expect(f).toMatch(allowed);
    expect(JSON.stringify(defaultValueModel.features)).not.toMatch(
      /pagevalue|bouncerate|exitrate|trafficType|region/i,
    );
  });
});

describe('parseValueModel', () => {
  it('rejects malformed models with a coded error', () => {
    const cases: unknown[] = [
      null,
      { ...model, version: 2 },
      { ...model, kind: 'forest' },
      { ...model, features: 'pageviews' },
      { ...model, calibration: { a: 'x' } },
      {
        version: 1,
        kind: 'logistic',
        features: ['a'],
        groups: [],
        defaultGroup: 'g',
        intercept: 0,
        weights: [],
      },
      {
        version: 1,
        kind: 'trees',
        features: ['a'],
        groups: [],
        defaultGroup: 'g',
        base: 0,
        trees: [[[0, 1, 0, 0]]],
      },
      {
        version: 1,
        kind: 'trees',
        features: ['a'],
        groups: [],
        defaultGroup: 'g',
        base: 0,
        trees: [[[5, 1, 1, 2], [0], [0]]],
      },
    ];
    for (const c of cases) {
      const { data, error } = parseValueModel(c);
      expect(data).toBeNull();
      expect(error).toBeInstanceOf(ValueModelError);
      expect(error?.code).toBe('invalid_value_model');
    }
  });
});
