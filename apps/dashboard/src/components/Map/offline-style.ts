/**
 * A base map that needs no network: country shapes from world-atlas (Natural Earth 1:110m,
 * ISC) as a GeoJSON source. No glyphs or sprites, hence no text layers anywhere on the map.
 */
import { feature } from 'topojson-client';
import countries from 'world-atlas/countries-110m.json';
import type { FeatureCollection, Geometry } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';

type Topology = Parameters<typeof feature>[0];
type Position = number[];

/** Natural Earth's ISO 3166 numeric code for Antarctica: a ring around the pole, no visitors. */
const ANTARCTICA = '010';

/**
 * Rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180 and would be drawn as
 * a band across the whole map; shifting each point by ±360 next to its predecessor keeps the
 * ring continuous, and maplibre renders longitudes beyond ±180 on the wrapped world copy.
 */
function unwrapRing(ring: Position[]): Position[] {
  const out: Position[] = [];
  let previous: number | undefined;
  for (const [lon = 0, lat = 0] of ring) {
    let x = lon;
    if (previous !== undefined) {
      while (x - previous > 180) x -= 360;
      while (x - previous < -180) x += 360;
    }
    out.push([x, lat]);
    previous = x;
  }
  return out;
}

function unwrapGeometry(geometry: Geometry | null): Geometry | null {
  if (geometry?.type === 'Polygon')
    return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
  if (geometry?.type === 'MultiPolygon') {
    return {
      ...geometry,
      coordinates: geometry.coordinates.map((polygon) => polygon.map(unwrapRing)),
    };
  }
  return geometry;
}

/** Country polygons as GeoJSON, antimeridian-safe. Exported for the unit test. */
export function countriesGeoJson(): FeatureCollection {
  const topology = countries as unknown as Topology;
  const collection = feature(topology, topology.objects.countries!) as FeatureCollection;
  return {
    type: 'FeatureCollection',
    features: collection.features
      .filter((f) => f.id !== ANTARCTICA)
      .map((f) => ({ ...f, geometry: unwrapGeometry(f.geometry) as Geometry })),
  };
}

export function offlineStyle(): StyleSpecification {
  const land = countriesGeoJson();
  return {
    version: 8,
    name: 'sightline-offline',
    sources: { countries: { type: 'geojson', data: land } },
    layers: [
      { id: 'water', type: 'background', paint: { 'background-color': '#dbe7f1' } },
      { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f8fafc' } },
      {
        id: 'borders',
        type: 'line',
        source: 'countries',
        paint: { 'line-color': '#b6c2cf', 'line-width': 0.6 },
      },
    ],
  };
}
