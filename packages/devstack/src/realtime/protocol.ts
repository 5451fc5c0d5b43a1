/**
 * Phoenix channel frames as @supabase/realtime-js speaks them. vsn 1.0.0: JSON objects; vsn
 * 2.0.0: JSON arrays `[join_ref, ref, topic, event, payload]` plus binary user-broadcast
 * frames (kind 3 from the client, kind 4 to the client).
 */
export type Vsn = '1.0.0' | '2.0.0';

export interface Message {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** A user broadcast as carried by a binary frame: the payload stays raw bytes or parsed JSON. */
export interface BinaryBroadcast {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  meta: Record<string, unknown> | undefined;
  payload: { json: unknown } | { binary: Buffer };
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code = 'BAD_FRAME';
}

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const ENCODING_BINARY = 0;
const ENCODING_JSON = 1;

function asRef(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ProtocolError('ref must be a string');
}

export function decodeText(text: string, vsn: Vsn): Message {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProtocolError('frame is not JSON');
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length !== 5)
      throw new ProtocolError('expected [join_ref, ref, topic, event, payload]');
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    if (typeof topic !== 'string' || typeof event !== 'string')
      throw new ProtocolError('topic and event must be strings');
    return { joinRef: asRef(joinRef), ref: asRef(ref), topic, event, payload };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ProtocolError('expected a message object');
  const object = parsed as Record<string, unknown>;
  if (typeof object.topic !== 'string' || typeof object.event !== 'string')
    throw new ProtocolError('topic and event must be strings');
  return {
    joinRef: asRef(object.join_ref),
    ref: asRef(object.ref),
    topic: object.topic,
    event: object.event,
    payload: object.payload,
  };
}

export function encodeText(message: Message, vsn: Vsn): string {
  const { joinRef, ref, topic, event, payload } = message;
  return vsn === '2.0.0'
    ? JSON.stringify([joinRef, ref, topic, event, payload])
    : JSON.stringify({ join_ref: joinRef, ref, topic, event, payload });
}

/** Decodes a client's binary frame (only kind 3, the user broadcast push, exists). */
export function decodeBinary(frame: Buffer): BinaryBroadcast {
  if (frame.length < 7 || frame[0] !== KIND_USER_BROADCAST_PUSH)
    throw new ProtocolError('unknown binary frame kind');
  const lengths = [frame[1]!, frame[2]!, frame[3]!, frame[4]!, frame[5]!];
  const encoding = frame[6]!;
  let offset = 7;
  const [joinRef, ref, topic, event, meta] = lengths.map((length) => {
    if (offset + length > frame.length) throw new ProtocolError('binary frame is truncated');
    const part = frame.subarray(offset, offset + length).toString('utf8');
    offset += length;
    return part;
  }) as [string, string, string, string, string];
  const body = frame.subarray(offset);
  let payload: BinaryBroadcast['payload'];
  if (encoding === ENCODING_JSON) {
    try {
      payload = { json: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      throw new ProtocolError('binary frame JSON payload is not JSON');
    }
  } else if (encoding === ENCODING_BINARY) {
    payload = { binary: Buffer.from(body) };
  } else {
    throw new ProtocolError('unknown payload encoding');
  }
  let parsedMeta: Record<string, unknown> | undefined;
  if (meta) {
    try {
      parsedMeta = JSON.parse(meta) as Record<string, unknown>;
    } catch {
      throw new ProtocolError('binary frame metadata is not JSON');
    }
  }
  return { joinRef: joinRef || null, ref: ref || null, topic, event, meta: parsedMeta, payload };
}

/** Encodes a broadcast for a vsn 2.0.0 client as a binary kind-4 frame. */
export function encodeBinaryBroadcast(
  topic: string,
  event: string,
  payload: BinaryBroadcast['payload'],
  meta?: Record<string, unknown>,
): Buffer {
  const topicBytes = Buffer.from(topic, 'utf8');
  const eventBytes = Buffer.from(event, 'utf8');
  const metaBytes = Buffer.from(
    meta && Object.keys(meta).length > 0 ? JSON.stringify(meta) : '',
    'utf8',
  );
  if (topicBytes.length > 255 || eventBytes.length > 255 || metaBytes.length > 255) {
    throw new ProtocolError('topic, event and metadata must each fit in 255 bytes');
  }
  const body =
    'binary' in payload ? payload.binary : Buffer.from(JSON.stringify(payload.json), 'utf8');
  const header = Buffer.from([
    KIND_USER_BROADCAST,
    topicBytes.length,
    eventBytes.length,
    metaBytes.length,
    'binary' in payload ? ENCODING_BINARY : ENCODING_JSON,
  ]);
  return Buffer.concat([header, topicBytes, eventBytes, metaBytes, body]);
}
