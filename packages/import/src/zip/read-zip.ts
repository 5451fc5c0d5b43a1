/**
 * A sequential zip reader over a byte stream: entries in the order they are stored, each one's
 * bytes streamed through `DecompressionStream('deflate-raw')` (or passed on when stored) and
 * checked against its CRC-32 and size; then the central directory, checked against the entries
 * read, so a zip cut anywhere is refused.
 *
 * Plausible's export is written by a streaming zip writer: stored entries whose sizes follow
 * the data in a data descriptor. A streaming reader can only find the end of such an entry by
 * looking for the descriptor, so a candidate counts only when its signature, its compressed
 * size (equal to the bytes read since the entry started) and the signature after it all agree;
 * the CRC check then confirms it. (fflate's `Unzip` ends such an entry at the first
 * `PK\x07\x08` in the data, whatever follows.)
 */
import { ImportError } from '../errors.js';
import type { ByteReader } from '../bytes/byte-reader.js';
import { crc32 } from './crc32.js';
import { bytePair, mapStreamErrors, type BytePair } from '../bytes/map-errors.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const DESCRIPTOR = 0x08074b50;
const NEXT = new Set([LOCAL, CENTRAL, EOCD, ZIP64_EOCD, ZIP64_LOCATOR]);
const U32 = 0xffffffff;
/** Longest data descriptor (zip64, with signature) and the signature after it. */
const LOOKAHEAD = 24 + 4;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; others are refused when opened. */
  method: number;
  directory: boolean;
  /** The uncompressed bytes, checked against the CRC and size. Read them to the end, or do not
   * open them at all (the reader then skips the entry without decompressing it). */
  open(): ReadableStream<Uint8Array>;
}

interface EntryState {
  name: string;
  method: number;
  descriptor: boolean;
  crc: number;
  compressedSize: number;
  size: number;
  finished: boolean;
}

export interface ZipOptions {
  /** Largest uncompressed entry accepted. */
  maxEntryBytes: number;
}

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) =>
  (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, i: number) => u32(b, i) + u32(b, i + 4) * 2 ** 32;

const truncated = (what: string) =>
  new ImportError('zip_truncated', `the zip ends ${what}: the file is incomplete`);

/** @example for await (const entry of readZip(reader, { maxEntryBytes: 2 ** 33 })) … */
export async function* readZip(reader: ByteReader, options: ZipOptions): AsyncGenerator<ZipEntry> {
  const read: EntryState[] = [];
  for (;;) {
    if (!(await reader.fill(4))) throw truncated('before its central directory');
    const signature = u32(reader.view(), 0);
    if (signature === CENTRAL || signature === EOCD) break;
    if (signature !== LOCAL)
      throw new ImportError(
        'zip_corrupt',
        `unexpected bytes at offset ${reader.position} where a zip entry should start`,
      );
    const state = await localHeader(reader);
    const chunks = compressedChunks(reader, state);
    let opened: { done: Promise<void> } | null = null;
    const entry: ZipEntry = {
      name: state.name,
      method: state.method,
      directory: state.name.endsWith('/'),
      open() {
        if (opened) throw new Error('a zip entry can be opened once');
        const body = openBody(state, chunks, options);
        opened = body;
        return body.stream;
      },
    };
    yield entry;
    if (opened) await (opened as { done: Promise<void> }).done;
    // Skipped, or not read to the end: pass over the rest of its data.
    while (!state.finished) await chunks.next();
    read.push(state);
  }
  await centralDirectory(reader, read);
}

async function localHeader(reader: ByteReader): Promise<EntryState> {
  if (!(await reader.fill(30))) throw truncated('inside an entry header');
  let b = reader.view();
  const flags = u16(b, 6);
  const method = u16(b, 8);
  const nameLength = u16(b, 26);
  const extraLength = u16(b, 28);
  if (!(await reader.fill(30 + nameLength + extraLength)))
    throw truncated('inside an entry header');
  b = reader.view();
  const nameBytes = b.subarray(30, 30 + nameLength);
  const name = decodeName(nameBytes, (flags & 0x800) !== 0);
  if (flags & 0x41)
    throw new ImportError(
      'zip_unsupported',
      `${name} is encrypted: export it again without a password`,
    );
  let compressedSize = u32(b, 18);
  let size = u32(b, 22);
  if (compressedSize === U32 || size === U32) {
    const zip64 = zip64Sizes(
      b.subarray(30 + nameLength, 30 + nameLength + extraLength),
      size,
      compressedSize,
    );
    size = zip64.size;
    compressedSize = zip64.compressedSize;
  }
  reader.take(30 + nameLength + extraLength);
  return {
    name,
    method,
    descriptor: (flags & 0x8) !== 0,
    crc: u32(b, 14),
    compressedSize,
    size,
    finished: false,
  };
}

/** The sizes from a zip64 extended information field (0x0001): only those that overflowed. */
function zip64Sizes(extra: Uint8Array, size: number, compressedSize: number) {
  for (let i = 0; i + 4 <= extra.length;) {
    const id = u16(extra, i);
    const length = u16(extra, i + 2);
    if (id === 1) {
      let at = i + 4;
      if (size === U32 && at + 8 <= i + 4 + length) {
        size = u64(extra, at);
        at += 8;
      }
      if (compressedSize === U32 && at + 8 <= i + 4 + length) compressedSize = u64(extra, at);
      break;
    }
    i += 4 + length;
  }
  return { size, compressedSize };
}

function decodeName(bytes: Uint8Array, utf8: boolean): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8 and not flagged as such: the legacy code page; names here are ASCII anyway.
    return utf8 ? new TextDecoder('utf-8').decode(bytes) : String.fromCharCode(...bytes);
  }
}

/** The entry's stored bytes, up to its end (known from the header, or found at its descriptor). */
async function* compressedChunks(
  reader: ByteReader,
  state: EntryState,
): AsyncGenerator<Uint8Array> {
  if (!state.descriptor) {
    let remaining = state.compressedSize;
    while (remaining > 0) {
      const chunk = await reader.next(remaining);
      if (!chunk) throw truncated(`inside ${state.name}`);
      remaining -= chunk.length;
      yield chunk;
    }
    state.finished = true;
    return;
  }
  let count = 0;
  for (;;) {
    const more = await reader.fill(LOOKAHEAD);
    const view = reader.view();
    if (view.length === 0) throw truncated(`inside ${state.name}`);
    const found = findDescriptor(view, count, !more);
    if (found) {
      if (found.at > 0) yield reader.take(found.at);
      reader.take(found.length);
      Object.assign(state, found.sizes, { finished: true });
      return;
    }
    // Everything but a tail that could still start a descriptor is entry data.
    const safe = more ? view.length - LOOKAHEAD + 1 : view.length;
    count += safe;
    yield reader.take(safe);
  }
}

interface Found {
  at: number;
  length: number;
  sizes: { crc: number; compressedSize: number; size: number };
}

/** A data descriptor in `view` whose compressed size matches the bytes before it. */
function findDescriptor(view: Uint8Array, before: number, atEnd: boolean): Found | null {
  for (let i = view.indexOf(0x50); i !== -1; i = view.indexOf(0x50, i + 1)) {
    if (i + 4 > view.length) return null;
    if (u32(view, i) !== DESCRIPTOR) continue;
    const compressed = before + i;
    for (const wide of [false, true]) {
      const length = wide ? 24 : 16;
      if (i + length > view.length) continue;
      const compressedSize = wide ? u64(view, i + 8) : u32(view, i + 8);
      const size = wide ? u64(view, i + 16) : u32(view, i + 12);
      if (compressedSize !== (wide ? compressed : compressed % 2 ** 32)) continue;
      const nextAt = i + length;
      const followed =
        nextAt + 4 <= view.length ? NEXT.has(u32(view, nextAt)) : atEnd && nextAt === view.length;
      if (followed)
        return {
          at: i,
          length,
          sizes: { crc: u32(view, i + 4), compressedSize: compressed, size },
        };
    }
  }
  return null;
}

function openBody(
  state: EntryState,
  chunks: AsyncGenerator<Uint8Array>,
  options: ZipOptions,
): { stream: ReadableStream<Uint8Array>; done: Promise<void> } {
  if (state.method !== 0 && state.method !== 8)
    throw new ImportError(
      'zip_unsupported',
      `${state.name} uses compression method ${state.method}; only stored and deflate are read`,
    );
  const source = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await chunks.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    // Cancelled by the consumer: the reader passes over the rest itself.
  });
  const inflate: BytePair =
    state.method === 8 ? bytePair(new DecompressionStream('deflate-raw')) : new TransformStream();
  const done = source.pipeTo(inflate.writable).catch(() => undefined);
  let crc = 0;
  let size = 0;
  const check = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.length;
      if (size > options.maxEntryBytes)
        throw new ImportError(
          'entry_too_large',
          `${state.name} holds more than ${options.maxEntryBytes} bytes`,
        );
      crc = crc32(chunk, crc);
      controller.enqueue(chunk);
    },
    flush() {
      if (size !== state.size)
        throw new ImportError(
          'zip_checksum',
          `${state.name} holds ${size} bytes, its header says ${state.size}`,
        );
      if (crc !== state.crc)
        throw new ImportError('zip_checksum', `${state.name} does not match its CRC-32`);
    },
  });
  const stream = mapStreamErrors(
    inflate.readable.pipeThrough(check),
    (cause) =>
      new ImportError('zip_corrupt', `${state.name} cannot be decompressed`, {}, { cause }),
  );
  return { stream, done };
}

async function centralDirectory(reader: ByteReader, read: EntryState[]): Promise<void> {
  let listed = 0;
  for (;;) {
    if (!(await reader.fill(4))) throw truncated('inside its central directory');
    const signature = u32(reader.view(), 0);
    if (signature === CENTRAL) {
      if (!(await reader.fill(46))) throw truncated('inside its central directory');
      const b = reader.view();
      const length = 46 + u16(b, 28) + u16(b, 30) + u16(b, 32);
      if (!(await reader.fill(length))) throw truncated('inside its central directory');
      const entry = read[listed];
      const name = decodeName(
        reader.view().subarray(46, 46 + u16(b, 28)),
        (u16(b, 8) & 0x800) !== 0,
      );
      if (!entry || entry.name !== name || u32(reader.view(), 16) !== entry.crc)
        throw new ImportError(
          'zip_corrupt',
          `the central directory does not match the entries (at ${name})`,
        );
      reader.take(length);
      listed++;
    } else if (signature === ZIP64_EOCD) {
      if (!(await reader.fill(12))) throw truncated('inside its end record');
      const length = 12 + u64(reader.view(), 4);
      if (!(await reader.fill(length))) throw truncated('inside its end record');
      reader.take(length);
    } else if (signature === ZIP64_LOCATOR) {
      if (!(await reader.fill(20))) throw truncated('inside its end record');
      reader.take(20);
    } else if (signature === EOCD) {
      if (!(await reader.fill(22))) throw truncated('inside its end record');
      const commentLength = u16(reader.view(), 20);
      if (!(await reader.fill(22 + commentLength))) throw truncated('inside its end record');
      if (listed !== read.length)
        throw new ImportError(
          'zip_corrupt',
          `the central directory lists ${listed} entries, the zip holds ${read.length}`,
        );
      reader.take(22 + commentLength);
      return;
    } else throw new ImportError('zip_corrupt', `unexpected bytes in the central directory`);
  }
}
