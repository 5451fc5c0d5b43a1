/**
 * A streaming zip writer, shaped like the exports this package reads: every entry's sizes and
 * CRC follow its data in a data descriptor (so nothing is buffered), names in UTF-8, times fixed
 * at 1980-01-01 so the same content gives the same bytes. Stored or deflated
 * (`CompressionStream('deflate-raw')`). No zip64: an entry or archive past 4 GiB is refused.
 */
import { crc32 } from './crc32.js';
import { bytePair } from '../bytes/map-errors.js';

export interface ZipWriteEntry {
  name: string;
  data:
    | string
    | Uint8Array
    | ReadableStream<Uint8Array>
    | AsyncIterable<Uint8Array | string>
    | Iterable<Uint8Array | string>;
}

export interface ZipWriteOptions {
  /** `deflate` (default) or `store`. */
  method?: 'deflate' | 'store';
}

const encoder = new TextEncoder();
const MAX = 0xffffffff;
/** 1980-01-01 00:00 in DOS date and time. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** @example new Response(writeZip([{ name: 'a.csv', data: 'x\n' }])).arrayBuffer() */
export function writeZip(
  entries: Iterable<ZipWriteEntry> | AsyncIterable<ZipWriteEntry>,
  options: ZipWriteOptions = {},
): ReadableStream<Uint8Array> {
  const iterator: AsyncGenerator<Uint8Array> = zipBytes(
    entries,
    options.method === 'store' ? 0 : 8,
  );
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await iterator.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
}

interface Written {
  name: Uint8Array;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

async function* zipBytes(
  entries: Iterable<ZipWriteEntry> | AsyncIterable<ZipWriteEntry>,
  method: number,
): AsyncGenerator<Uint8Array> {
  const written: Written[] = [];
  let offset = 0;
  for await (const entry of entries) {
    const name = encoder.encode(entry.name);
    const header = new Uint8Array(30 + name.length);
    const h = new DataView(header.buffer);
    h.setUint32(0, 0x04034b50, true);
    h.setUint16(4, 20, true);
    h.setUint16(6, 0x0808, true); // data descriptor, UTF-8 name
    h.setUint16(8, method, true);
    h.setUint16(12, DOS_DATE, true);
    h.setUint16(26, name.length, true);
    header.set(name, 30);
    yield header;
    const record: Written = { name, crc: 0, compressed: 0, size: 0, offset };
    offset += header.length;
    let input = byteStream(entry.data).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          record.crc = crc32(chunk, record.crc);
          record.size += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    if (method === 8) input = input.pipeThrough(bytePair(new CompressionStream('deflate-raw')));
    const reader = input.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      record.compressed += value.length;
      yield value;
    }
    if (record.size > MAX || record.compressed > MAX || offset + record.compressed > MAX)
      throw new RangeError(
        `${entry.name}: entries and archives over 4 GiB need zip64, which this writer does not write`,
      );
    offset += record.compressed;
    const descriptor = new Uint8Array(16);
    const d = new DataView(descriptor.buffer);
    d.setUint32(0, 0x08074b50, true);
    d.setUint32(4, record.crc, true);
    d.setUint32(8, record.compressed, true);
    d.setUint32(12, record.size, true);
    yield descriptor;
    offset += 16;
    written.push(record);
  }
  const start = offset;
  for (const w of written) {
    const central = new Uint8Array(46 + w.name.length);
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x0808, true);
    c.setUint16(10, method, true);
    c.setUint16(14, DOS_DATE, true);
    c.setUint32(16, w.crc, true);
    c.setUint32(20, w.compressed, true);
    c.setUint32(24, w.size, true);
    c.setUint16(28, w.name.length, true);
    c.setUint32(42, w.offset, true);
    central.set(w.name, 46);
    offset += central.length;
    yield central;
  }
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, written.length, true);
  e.setUint16(10, written.length, true);
  e.setUint32(12, offset - start, true);
  e.setUint32(16, start, true);
  yield end;
}

function byteStream(data: ZipWriteEntry['data']): ReadableStream<Uint8Array> {
  if (data instanceof ReadableStream) return data;
  const source: Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string> =
    typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
  const iterator: Iterator<Uint8Array | string> | AsyncIterator<Uint8Array | string> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await iterator.next();
      if (step.done) controller.close();
      else
        controller.enqueue(
          typeof step.value === 'string' ? encoder.encode(step.value) : step.value,
        );
    },
  });
}
