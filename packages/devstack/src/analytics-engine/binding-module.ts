/**
 * The source of the Worker-side `AnalyticsEngineDataset` the Miniflare plugin installs
 * (miniflare-plugin.ts). It runs inside workerd as a wrapped binding, exactly where Miniflare's
 * own Analytics Engine stand-in runs, so `writeDataPoint` keeps its production contract:
 * synchronous, returns nothing, throws a TypeError for a point Analytics Engine would refuse.
 * Points written in one synchronous run go out in one request to the devstack's write endpoint,
 * kept alive by the request's waitUntil (an un-awaited fetch alone is cancelled when the
 * request that made it ends).
 */
export const BINDING_MODULE_NAME = 'sightline-devstack:analytics-engine';

export const BINDING_MODULE_SOURCE = /* js */ `
import workers from 'cloudflare-internal:workers';

const MAX_ARRAY_MEMBERS = 20;
const MAX_INDEX_BYTES = 96;
const MAX_BLOB_BYTES = 16 * 1024;
const encoder = new TextEncoder();

function wireValue(value, what) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return { value, bytes: encoder.encode(value).byteLength };
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return { value: { base64: btoa(binary) }, bytes: bytes.byteLength };
  }
  throw new TypeError('writeDataPoint(): ' + what + ' must be strings, ArrayBuffers or null.');
}

function check(point) {
  const { indexes = [], blobs = [], doubles = [] } = point ?? {};
  if (indexes.length > 1) throw new TypeError('writeDataPoint(): Maximum of 1 indexes supported.');
  if (blobs.length > MAX_ARRAY_MEMBERS) throw new TypeError('writeDataPoint(): Maximum of ' + MAX_ARRAY_MEMBERS + ' blobs supported.');
  if (doubles.length > MAX_ARRAY_MEMBERS) throw new TypeError('writeDataPoint(): Maximum of ' + MAX_ARRAY_MEMBERS + ' doubles supported.');
  const index = wireValue(indexes[0], 'indexes');
  if (index && index.bytes > MAX_INDEX_BYTES) throw new TypeError('writeDataPoint(): Size of indexes[0] exceeds ' + MAX_INDEX_BYTES + ' bytes.');
  let total = 0;
  const wireBlobs = blobs.map((blob) => {
    const wire = wireValue(blob, 'blobs');
    total += wire ? wire.bytes : 0;
    if (total > MAX_BLOB_BYTES) throw new TypeError('writeDataPoint(): Cumulative size of blobs exceeds ' + MAX_BLOB_BYTES + ' bytes.');
    return wire ? wire.value : null;
  });
  for (const d of doubles) if (typeof d !== 'number') throw new TypeError('writeDataPoint(): doubles must be numbers.');
  return { indexes: index ? [index.value] : [], blobs: wireBlobs, doubles: [...doubles] };
}

class LocalAnalyticsEngineDataset {
  #url;
  #token;
  #batch;
  constructor(env) {
    this.#url = env.writeUrl;
    this.#token = env.apiToken;
  }
  writeDataPoint(point) {
    const wire = check(point);
    if (!this.#url) return;
    if (this.#batch) {
      this.#batch.push(wire);
      return;
    }
    const batch = (this.#batch = [wire]);
    // Flushed after the current synchronous run: no other request's code runs in between.
    workers.waitUntil(
      Promise.resolve().then(async () => {
        this.#batch = undefined;
        const response = await fetch(this.#url, {
          method: 'POST',
          headers: { authorization: 'Bearer ' + this.#token, 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        });
        const text = await response.text();
        if (!response.ok) console.warn('local Analytics Engine refused ' + batch.length + ' data point(s): ' + response.status + ' ' + text);
      }).catch((error) => console.warn('local Analytics Engine unreachable: ' + error)),
    );
  }
}

export default function (env) {
  return new LocalAnalyticsEngineDataset(env);
}
`;
