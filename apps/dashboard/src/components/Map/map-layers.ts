/**
 * Layers shared by the maplibre and mapbox renderers. Clusters are coloured by their members'
 * mean score (the source sums `score` per cluster), single visitors by their own score.
 */
import { SCORE_STOPS } from '../../lib/score-color.js';

export const VISITOR_SOURCE = 'visitors';
export const CLUSTER_LAYER = 'visitor-clusters';
export const POINT_LAYER = 'visitor-points';

/** Above this zoom every visitor is its own marker. */
export const CLUSTER_MAX_ZOOM = 7;

export const clusterProperties = { scoreSum: ['+', ['get', 'score']] };

const ramp = (input: unknown): unknown[] => [
  'interpolate',
  ['linear'],
  input,
  ...SCORE_STOPS.flatMap((s) => [s.score, s.color]),
];

export const clusterLayer = {
  id: CLUSTER_LAYER,
  type: 'circle',
  source: VISITOR_SOURCE,
  filter: ['has', 'point_count'],
  paint: {
    'circle-color': ramp(['/', ['get', 'scoreSum'], ['get', 'point_count']]),
    'circle-opacity': 0.85,
    'circle-radius': ['step', ['get', 'point_count'], 12, 10, 17, 50, 23, 200, 30],
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 2,
  },
} as const;

export const pointLayer = {
  id: POINT_LAYER,
  type: 'circle',
  source: VISITOR_SOURCE,
  filter: ['!', ['has', 'point_count']],
  paint: {
    'circle-color': ramp(['get', 'score']),
    'circle-radius': 7,
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 1.5,
  },
} as const;

export const INITIAL_VIEW = { longitude: 10, latitude: 25, zoom: 1 };
