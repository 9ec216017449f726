/** What every figure module exports and returns. */

/** One row of the table and of results.json (the shape is part of issue 7). */
export interface FigureEntry {
  name: string;
  value: number | null;
  unit: string;
  /** What the same measurement of a peer is called, or null when there is no peer. */
  peer: string | null;
  peerValue: number | null;
  /** value / peerValue, or null without a peer. */
  ratio: number | null;
  /** The aim, in words (e.g. "p99 ≤ 2 ms and ≤ 3× peer"); null for context rows. */
  target: string | null;
  /** Whether the target was met; null for context rows without a target. */
  met: boolean | null;
}

export interface BenchContext {
  quick: boolean;
  /** Progress lines for the operator (stderr); the table goes to stdout. */
  log(line: string): void;
  /**
   * A fresh temp dir, removed when the figure ends. `inMemory` puts it on
   * tmpfs (/dev/shm) when there is one: for the reference server's data in
   * latency figures, so a disk flush stall of the server (it rewrites its job
   * file before every publish) does not show up as client latency.
   */
  tempDir(label: string, options?: { inMemory?: boolean }): Promise<string>;
}

export interface Figure {
  /** Short id used by `--only`. */
  id: string;
  title: string;
  run(context: BenchContext): Promise<FigureEntry[]>;
}

export function ratioOf(value: number | null, peerValue: number | null): number | null {
  if (value === null || peerValue === null || !Number.isFinite(value) || !Number.isFinite(peerValue) || peerValue === 0) return null;
  return Math.round((value / peerValue) * 100) / 100;
}

/** A row with no target: shown for context (p50, max, counts). */
export function contextRow(name: string, value: number | null, unit: string, peer: string | null = null, peerValue: number | null = null): FigureEntry {
  return { name, value, unit, peer, peerValue, ratio: ratioOf(value, peerValue), target: null, met: null };
}
