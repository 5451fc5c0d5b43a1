/**
 * The map with maplibre-gl and the bundled offline style (no Mapbox token). Loaded only through
 * LiveMap's dynamic import, so neither maplibre-gl nor the world geometry is in the first load.
 */
import { setWorkerUrl } from 'maplibre-gl';
// Vite does not bundle maplibre's worker itself; point maplibre at the emitted file (TOOLCHAIN.md).
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useMemo, useState } from 'react';
import Map, {
  Layer,
  NavigationControl,
  Popup,
  Source,
  type LayerProps,
  type MapLayerMouseEvent,
} from 'react-map-gl/maplibre';
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
import { offlineStyle } from './offline-style.js';
import { toHovered, VisitorTooltip, type Hovered } from './VisitorTooltip.js';

setWorkerUrl(workerUrl);

export default function MaplibreMap({ data, onReady }: MapViewProps) {
  const style = useMemo(offlineStyle, []);
  const [hovered, setHovered] = useState<Hovered | null>(null);
  const hover = (e: MapLayerMouseEvent): void => setHovered(toHovered(e.features?.[0]));
  return (
    <Map
      initialViewState={INITIAL_VIEW}
      mapStyle={style}
      interactiveLayerIds={[CLUSTER_LAYER, POINT_LAYER]}
      onMouseMove={hover}
      onClick={hover}
      onMouseLeave={() => setHovered(null)}
      onLoad={onReady}
      attributionControl={{ compact: true, customAttribution: 'Natural Earth' }}
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
