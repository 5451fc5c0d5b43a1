/** Tooltip body for a visitor marker or a cluster. */
import { formatDuration } from '../../lib/format.js';
import { UserText } from '../Text/UserText.js';
import type { VisitorProps } from './visitor-geojson.js';

export type Hovered =
  | { kind: 'visitor'; longitude: number; latitude: number; props: VisitorProps }
  | { kind: 'cluster'; longitude: number; latitude: number; count: number; meanScore: number };

export function VisitorTooltip({ hovered }: { hovered: Hovered }) {
  if (hovered.kind === 'cluster') {
    return (
      <div className="map-tooltip">
        <strong>{hovered.count} visitors</strong>
        <div>Mean score {Math.round(hovered.meanScore)}</div>
        <div className="muted">Zoom in to see each visitor</div>
      </div>
    );
  }
  const p = hovered.props;
  return (
    <div className="map-tooltip">
      <strong>
        <UserText text={p.path} max={80} />
      </strong>
      <div>
        <UserText
          text={[p.city, p.country].filter(Boolean).join(', ')}
          empty="Unknown place"
          max={80}
        />
      </div>
      <div>
        <UserText text={p.device} max={20} /> · engaged {formatDuration(p.engagedMs)}
      </div>
      <div>Score {Math.round(p.score)}</div>
    </div>
  );
}

/** Reads a hovered rendered feature (properties arrive as plain JSON values). */
export function toHovered(
  feature:
    | {
        properties: Record<string, unknown> | null;
        geometry: { type: string; coordinates?: unknown };
      }
    | undefined,
): Hovered | null {
  if (!feature?.properties || feature.geometry.type !== 'Point') return null;
  const [longitude, latitude] = feature.geometry.coordinates as [number, number];
  const p = feature.properties;
  if (typeof p.point_count === 'number') {
    return {
      kind: 'cluster',
      longitude,
      latitude,
      count: p.point_count,
      meanScore: Number(p.scoreSum) / p.point_count,
    };
  }
  return {
    kind: 'visitor',
    longitude,
    latitude,
    props: {
      id: String(p.id),
      score: Number(p.score),
      path: String(p.path),
      country: String(p.country),
      city: String(p.city),
      device: String(p.device),
      engagedMs: Number(p.engagedMs),
    },
  };
}
