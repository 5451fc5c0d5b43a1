import { describe, expect, it } from 'vitest';
import type { Position } from 'geojson';
import { countriesGeoJson, offlineStyle } from '../../src/components/Map/offline-style.js';

describe('offline base map', () => {
  it('needs no network: no URLs, glyphs or sprites', () => {
    const style = offlineStyle();
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(JSON.stringify(style)).not.toMatch(/https?:\/\//);
  });

  it('keeps every ring continuous across the antimeridian and drops Antarctica', () => {
    const { features } = countriesGeoJson();
    expect(features.length).toBeGreaterThan(150);
    expect(features.some((f) => f.id === '010')).toBe(false);
    for (const f of features) {
      const g = f.geometry;
      const rings: Position[][] =
        g.type === 'Polygon'
          ? g.coordinates
          : g.type === 'MultiPolygon'
            ? g.coordinates.flat()
            : [];
      for (const ring of rings) {
        for (let i = 1; i < ring.length; i++)
          expect(Math.abs(ring[i]![0]! - ring[i - 1]![0]!)).toBeLessThanOrEqual(180);
      }
    }
  });
});
