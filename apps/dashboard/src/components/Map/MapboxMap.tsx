/**
 * The map with mapbox-gl (used when VITE_MAPBOX_TOKEN / config `mapboxToken` is set). mapbox-gl
 * v3 draws nothing without a token, hence the offline maplibre fallback.
 */
import 'mapbox-gl/dist/mapbox-gl.css';
import { useState } from 'react';
import Map, {
  Layer,
  NavigationControl,
  Popup,
  Source,
  type LayerProps,
  type MapMouseEvent,
} from 'react-map-gl/mapbox';
import type { MapViewProps } from './map-props.js';
import {
  CLUSTER_LAYER,
  CLUSTER_MAX_ZOOM,
  INITIAL_VIEW,
  POINT_LAYER,
  VISITOR_SOURCE,
  clusterLayer,
  clusterProperties,
  pointLayer,
} from './map-layers.js';
import { toHovered, VisitorTooltip, type Hovered } from './VisitorTooltip.js';

// With Mapbox's glyphs available, clusters also show their count.
const countLayer = {
  id: 'visitor-cluster-count',
  type: 'symbol',
  source: VISITOR_SOURCE,
  filter: ['has', 'point_count'],
  layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-size': 12 },
  paint: { 'text-color': '#ffffff' },
};

export default function MapboxMap({ data, onReady, mapboxToken }: MapViewProps) {
  const [hovered, setHovered] = useState<Hovered | null>(null);
  const hover = (e: MapMouseEvent): void => setHovered(toHovered(e.features?.[0]));
  return (
    <Map
      mapboxAccessToken={mapboxToken}
      initialViewState={INITIAL_VIEW}
      mapStyle="mapbox://styles/mapbox/light-v11"
      projection="mercator"
      interactiveLayerIds={[CLUSTER_LAYER, POINT_LAYER]}
      onMouseMove={hover}
      onClick={hover}
      onMouseLeave={() => setHovered(null)}
      onLoad={onReady}
      style={{ width: '100%', height: '100%' }}
    >
      <NavigationControl position="top-right" showCompass={false} />
      <Source
        id={VISITOR_SOURCE}
        type="geojson"
        data={data}
        cluster
        clusterMaxZoom={CLUSTER_MAX_ZOOM}
        clusterRadius={40}
        clusterProperties={clusterProperties}
      >
        <Layer {...(clusterLayer as unknown as LayerProps)} />
        <Layer {...(pointLayer as unknown as LayerProps)} />
        <Layer {...(countLayer as unknown as LayerProps)} />
      </Source>
      {hovered && (
        <Popup
          longitude={hovered.longitude}
          latitude={hovered.latitude}
          closeButton={false}
          offset={10}
          maxWidth="260px"
        >
          <VisitorTooltip hovered={hovered} />
        </Popup>
      )}
    </Map>
  );
}
