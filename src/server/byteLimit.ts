/**
 * Counts a request body inside the pipe. A 'data' listener would do the same
 * but would set the body flowing before the parser is attached, losing bytes.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through until more than `max` went by, then calls `onExceeded` once and swallows the rest. */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(
    private readonly max: number,
    private readonly onExceeded: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const before = this.seen;
    this.seen += chunk.length;
    if (this.seen <= this.max) return callback(null, chunk);
    if (before <= this.max) this.onExceeded();
    callback();
  }
}
