/** Live visitors → the GeoJSON the map's clustered source takes (one point per located visitor). */
import type { LiveVisitor } from '@sightline/schema/live';
import type { FeatureCollection, Point } from 'geojson';

export interface VisitorProps {
  id: string;
  score: number;
  path: string;
  country: string;
  city: string;
  device: string;
  engagedMs: number;
}

export function visitorsToGeoJson(
  visitors: Iterable<LiveVisitor>,
): FeatureCollection<Point, VisitorProps> {
  const features: FeatureCollection<Point, VisitorProps>['features'] = [];
  for (const v of visitors) {
    if (v.latitude === null || v.longitude === null) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [v.longitude, v.latitude] },
      properties: {
        id: v.id,
        score: v.score,
        path: v.path,
        country: v.country,
        city: v.city,
        device: v.device,
        engagedMs: v.engagedMs,
      },
    });
  }
  return { type: 'FeatureCollection', features };
}
