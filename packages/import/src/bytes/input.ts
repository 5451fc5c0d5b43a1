/**
 * The inputs an import accepts, as one byte stream: a `File` or `Blob` (the dashboard's upload;
 * in Node, `fs.openAsBlob(path)`), a `ReadableStream` of bytes, an async iterable of byte chunks
 * (a Node `fs.createReadStream`) or the bytes themselves.
 */
import { ImportError } from '../errors.js';

export type ExportInput =
  Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Uint8Array | ArrayBuffer;

/** The stream of an input, and its name when it carries one (a `File`). */
export function inputStream(input: ExportInput): {
  stream: ReadableStream<Uint8Array>;
  name?: string;
} {
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const name = (input as Blob & { name?: unknown }).name;
    return {
      stream: input.stream() as ReadableStream<Uint8Array>,
      ...(typeof name === 'string' && { name }),
    };
  }
  if (input instanceof ArrayBuffer) return { stream: single(new Uint8Array(input)) };
  if (input instanceof Uint8Array) return { stream: single(input) };
  if (typeof ReadableStream !== 'undefined' && input instanceof ReadableStream)
    return { stream: input };
  if (input && typeof (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function')
    return { stream: fromIterable(input as AsyncIterable<Uint8Array>) };
  throw new ImportError(
    'unsupported_input',
    'the input must be a Blob, File, ReadableStream, async iterable of Uint8Array, Uint8Array or ArrayBuffer',
  );
}

/** Bytes in memory, handed out in 64 KiB slices: a row batch is one slice's rows, not all of them. */
function single(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else controller.enqueue(bytes.subarray(at, (at += 65_536)));
    },
  });
}

function fromIterable(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const step = await iterator.next();
      if (step.done) controller.close();
      // Node streams yield Buffers, which are Uint8Arrays.
      else controller.enqueue(step.value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}
