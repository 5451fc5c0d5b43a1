/**
 * Re-raises a stream's errors as `ImportError`s: errors the package raised pass unchanged,
 * anything else (a `DecompressionStream` refusing its input, say) becomes `wrap(error)`.
 */
import { ImportError } from '../errors.js';

export function mapStreamErrors(
  stream: ReadableStream<Uint8Array>,
  wrap: (cause: unknown) => ImportError,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error instanceof ImportError ? error : wrap(error));
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}

/** A (de)compression stream typed as bytes in, bytes out (its writable accepts any BufferSource). */
export const bytePair = (pair: CompressionStream | DecompressionStream): BytePair =>
  // Needed with DOM's types (tsconfig.src.json), where the writable takes BufferSource; Node's
  // types, which lint reads, already match.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  pair as unknown as BytePair;

/** What `pipeThrough` takes, for bytes (named here: Node's types have no global for it). */
export interface BytePair {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
}
