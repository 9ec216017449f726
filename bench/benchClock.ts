/**
 * The one clock every latency figure is measured on.
 *
 * `process.hrtime.bigint()` reads CLOCK_MONOTONIC, which on Linux is a single
 * system-wide clock: the reference server's child process and this process
 * read the same counter, so "emit time in the child" minus "arrival time here"
 * is a true latency with no offset to estimate. (`performance.timeOrigin +
 * performance.now()` would also work but carries each process's start-up
 * wall-clock error, up to a millisecond — as large as what we measure.)
 * Chromium cannot read it; its offset is calibrated separately (toPixels).
 */
export function benchNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Status messages carry two times so any receiver can compute latency alone:
 * when emitStatus() was called, and when the server wrote the frame to this
 * client's socket (the server child fills SENT_PLACEHOLDER in at send time).
 * The reference server persists its job file before it publishes, so the two
 * differ by the server's own work; the client is judged from the socket write.
 */
const MARK = 'bench@';
export const SENT_PLACEHOLDER = '@SENT';

export interface Stamp {
  emittedAt: number;
  /** Null when the frame did not pass through the patched send (should not happen). */
  sentAt: number | null;
}

export function stampMessage(emittedAt: number): string {
  return `${MARK}${emittedAt.toFixed(4)}${SENT_PLACEHOLDER}`;
}

export function fillSentTime(text: string, sentAt: number): string {
  return text.replace(SENT_PLACEHOLDER, `@${sentAt.toFixed(4)}`);
}

export function readStamp(message: string | undefined | null): Stamp | null {
  if (!message || !message.startsWith(MARK)) return null;
  const [emitted, sent] = message.slice(MARK.length).split('@');
  const emittedAt = Number(emitted);
  if (!Number.isFinite(emittedAt)) return null;
  const sentAt = Number(sent);
  return { emittedAt, sentAt: sent !== undefined && Number.isFinite(sentAt) ? sentAt : null };
}
