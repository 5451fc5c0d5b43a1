/**
 * A base map that needs no network: country shapes from world-atlas (Natural Earth 1:110m,
 * ISC) as a GeoJSON source. No glyphs or sprites, hence no text layers anywhere on the map.
 */
import { feature } from 'topojson-client';
import countries from 'world-atlas/countries-110m.json';
import type { StyleSpecification } from 'maplibre-gl';

type Topology = Parameters<typeof feature>[0];

export function offlineStyle(): StyleSpecification {
  const topology = countries as unknown as Topology;
  const land = feature(topology, topology.objects.countries!);
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
