/**
 * A pull reader over a byte stream that can look ahead: the zip reader needs to see a header
 * before it consumes it, and to scan for a data descriptor without passing it on. Only what is
 * looked at is buffered; data is handed on as subarrays of the chunks the stream produced.
 */
import { ImportError } from '../errors.js';

const EMPTY = new Uint8Array(0);

export class ByteReader {
  private buf: Uint8Array = EMPTY;
  private off = 0;
  private ended = false;
  /** Bytes consumed so far. */
  position = 0;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly signal?: AbortSignal,
  ) {}

  /** Bytes buffered and not consumed. */
  get available(): number {
    return this.buf.length - this.off;
  }

  /** Whether the stream has ended and everything buffered was consumed. */
  get done(): boolean {
    return this.ended && this.available === 0;
  }

  /** The buffered bytes (valid until the next call that reads). */
  view(): Uint8Array {
    return this.buf.subarray(this.off);
  }

  /** Buffers at least `n` bytes; false when the stream ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.available < n) {
      const chunk = await this.read();
      if (!chunk) return false;
      const rest = this.view();
      if (rest.length === 0) this.buf = chunk;
      else {
        const joined = new Uint8Array(rest.length + chunk.length);
        joined.set(rest);
        joined.set(chunk, rest.length);
        this.buf = joined;
      }
      this.off = 0;
    }
    return true;
  }

  /** Consumes `n` buffered bytes. */
  take(n: number): Uint8Array {
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    this.position += n;
    return out;
  }

  /** Consumes and returns up to `max` bytes: what is buffered, else the next chunk; null at the end. */
  async next(max: number): Promise<Uint8Array | null> {
    if (this.available === 0) {
      const chunk = await this.read();
      if (!chunk) return null;
      this.buf = chunk;
      this.off = 0;
    }
    return this.take(Math.min(max, this.available));
  }

  async cancel(reason?: unknown): Promise<void> {
    this.ended = true;
    await this.reader.cancel(reason).catch(() => undefined);
  }

  private async read(): Promise<Uint8Array | null> {
    if (this.ended) return null;
    if (this.signal?.aborted) throw new ImportError('aborted', 'the import was aborted');
    const { done, value } = await this.reader.read();
    if (done) {
      this.ended = true;
      return null;
    }
    if (!(value instanceof Uint8Array))
      throw new ImportError('unsupported_input', 'the input stream must yield Uint8Array chunks');
    return value.length ? value : this.read();
  }
}
