/**
 * Moves file bytes from disk into an upload request through a few reused
 * buffers. A read stream allocates a fresh buffer per chunk: at hundreds of
 * MiB/s that is thousands of allocations per second, paid for in page faults
 * and garbage collection (about 3x the client CPU per GiB that curl needs, in
 * the upload benchmark). And reading the next chunk only after the socket
 * drained left disk and socket taking turns; here the next read fills a free
 * buffer while earlier ones are still being sent.
 * A buffer goes back to the pool only when the socket reports it has taken
 * the bytes (the write callback): until then libuv may still be reading from
 * it. The pool size is also the back-pressure: at most POOL_BUFFERS chunks
 * are ever in flight, so memory stays flat whatever the file size.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { FileIdentity } from '../../shared/queueJob';
import { identityOf, sameIdentity } from '../files/fileIdentity';

const CHUNK_BYTES = 2 * 1024 * 1024;
const POOL_BUFFERS = 4;

export type FileBodyResult =
  | { kind: 'sent' }
  /** The attempt ended (answer, abort, stall, network) while the file was being sent. */
  | { kind: 'stopped' }
  | { kind: 'missing' }
  | { kind: 'unreadable' }
  /** The file ended before the size it was checked at. */
  | { kind: 'shorter' }
  /** Another file (or a link to one) now has the checked file's name: nothing of it is sent. */
  | { kind: 'replaced' };

/** What the pump needs of an http.ClientRequest. */
export interface BodySink {
  /** `done` runs once the bytes have left `chunk` (written to the socket, or failed). */
  write(chunk: Buffer, done: (error?: Error | null) => void): boolean;
  once(event: 'close', listener: () => void): unknown;
}

export interface FileBodyHooks {
  /** False once the attempt has ended: stop reading. */
  active(): boolean;
  /** `bytes` were handed to the request. */
  onHandedOff(bytes: number): void;
  /** The socket took a chunk (bytes moved). */
  onFlushed(): void;
}

export class FileBodyPump {
  private readonly free: Buffer[] = [];
  private readonly chunkBytes: number;
  private allocated = 0;
  private wake: (() => void) | null = null;
  private requestClosed = false;

  /** `largestFileBytes` keeps the buffers of a small upload small. */
  constructor(
    private readonly request: BodySink,
    largestFileBytes: number,
    private readonly hooks: FileBodyHooks,
  ) {
    this.chunkBytes = Math.max(1, Math.min(CHUNK_BYTES, largestFileBytes));
    // A destroyed request may never call back for chunks it still held: without this a
    // pump waiting for a free buffer would wait forever.
    request.once('close', () => {
      this.requestClosed = true;
      this.wakeUp();
    });
  }

  /**
   * Sends bytes [0, size) of the file; never more, whatever the file has grown to since.
   * With `identity`, only from the very file that was checked: the opened descriptor is compared, not the path.
   */
  async send(path: string, size: number, identity?: FileIdentity): Promise<FileBodyResult> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      return readFailure(error);
    }
    try {
      if (identity !== undefined && !sameIdentity(identityOf(await handle.stat()), identity)) return { kind: 'replaced' };
      let position = 0;
      while (position < size) {
        const buffer = await this.takeBuffer();
        if (buffer === null || !this.hooks.active()) return { kind: 'stopped' };
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - position), position);
        if (!this.hooks.active() || this.requestClosed) return { kind: 'stopped' };
        if (bytesRead === 0) {
          this.release(buffer);
          return { kind: 'shorter' };
        }
        position += bytesRead;
        this.request.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead), () => {
          this.release(buffer);
          this.hooks.onFlushed();
        });
        this.hooks.onHandedOff(bytesRead);
      }
      return { kind: 'sent' };
    } catch (error) {
      return readFailure(error);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** A free buffer, or null once the request has closed. */
  private async takeBuffer(): Promise<Buffer | null> {
    for (;;) {
      if (this.requestClosed) return null;
      const buffer = this.free.pop();
      if (buffer !== undefined) return buffer;
      if (this.allocated < POOL_BUFFERS) {
        this.allocated += 1;
        // Unzeroed: every byte sent is first overwritten by a read.
        return Buffer.allocUnsafeSlow(this.chunkBytes);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private release(buffer: Buffer): void {
    this.free.push(buffer);
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function readFailure(error: unknown): FileBodyResult {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'unreadable' };
}
