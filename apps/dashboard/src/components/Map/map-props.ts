import type { FeatureCollection, Point } from 'geojson';
import type { VisitorProps } from './visitor-geojson.js';

/** What LiveMap hands to whichever renderer it loaded. */
export interface MapViewProps {
  data: FeatureCollection<Point, VisitorProps>;
  onReady: () => void;
  mapboxToken: string;
}
