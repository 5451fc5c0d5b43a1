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
export const bytePair = (
  pair: CompressionStream | DecompressionStream,
): ReadableWritablePair<Uint8Array, Uint8Array> =>
  pair as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
