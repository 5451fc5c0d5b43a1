/**
 * The live map. Picks the renderer by configuration and loads it lazily, so a build ships only
 * the map library in use and the first paint does not wait for it.
 */
import type { LiveVisitor } from '@sightline/schema/live';
import { lazy, Suspense, useMemo, useState } from 'react';
import { ErrorBoundary } from '../Errors/ErrorBoundary.js';
import { ScoreLegend } from '../Live/ScoreLegend.js';
import { visitorsToGeoJson } from './visitor-geojson.js';

const MaplibreMap = lazy(() => import('./MaplibreMap.js'));
const MapboxMap = lazy(() => import('./MapboxMap.js'));

interface Props {
  visitors: ReadonlyMap<string, LiveVisitor>;
  mapboxToken: string;
}

export function LiveMap({ visitors, mapboxToken }: Props) {
  const data = useMemo(() => visitorsToGeoJson(visitors.values()), [visitors]);
  const [ready, setReady] = useState(false);
  const Renderer = mapboxToken ? MapboxMap : MaplibreMap;
  return (
    <section className="card map-card" aria-label="Live map">
      <div
        className="map"
        data-testid="live-map"
        data-ready={ready}
        data-renderer={mapboxToken ? 'mapbox' : 'maplibre'}
        data-markers={data.features.length}
        data-visitor-ids={
          // For tests and tooling; skipped on busy sites, where it would be a large string.
          data.features.length <= 500
            ? data.features.map((f) => f.properties.id).join(' ')
            : undefined
        }
      >
        <ErrorBoundary what="The map" inline>
          <Suspense fallback={<div className="map-loading">Loading map…</div>}>
            <Renderer data={data} onReady={() => setReady(true)} mapboxToken={mapboxToken} />
          </Suspense>
        </ErrorBoundary>
      </div>
      <ScoreLegend />
    </section>
  );
}
