/**
 * A block of lines at the bottom of a terminal, redrawn in place. Each redraw
 * is ONE write (cursor up, rewrite each line, erase what is left below), with
 * the cursor hidden while it runs, so the block never flickers or scrolls.
 * Permanent lines (a job finished, a warning) are printed above the block.
 */
import type { TextSink } from './reporter';

const ESC = '\x1b[';
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const CLEAR_LINE = `${ESC}2K`;
const ERASE_BELOW = `${ESC}J`;
const up = (n: number): string => (n > 0 ? `${ESC}${n}F` : '\r');

export class LiveDisplay {
  private drawn = 0;
  private lines: string[] = [];

  constructor(
    private readonly out: TextSink,
    private readonly columns: () => number,
  ) {}

  /** Replaces the block's content; drawn at the next `render()`. */
  setLines(lines: string[]): void {
    this.lines = lines;
  }

  render(): void {
    this.out.write(`${HIDE_CURSOR}${up(this.drawn)}${this.frame()}${ERASE_BELOW}${SHOW_CURSOR}`);
    this.drawn = this.lines.length;
  }

  /** Prints `text` (one or more lines) above the block, then redraws the block below it. */
  printAbove(text: string): void {
    const permanent = text.endsWith('\n') ? text : `${text}\n`;
    this.out.write(`${HIDE_CURSOR}${up(this.drawn)}${ERASE_BELOW}${permanent}${this.frame()}${SHOW_CURSOR}`);
    this.drawn = this.lines.length;
  }

  /** Removes the block, leaving the cursor where it began. */
  clear(): void {
    if (this.drawn > 0) this.out.write(`${up(this.drawn)}${ERASE_BELOW}`);
    this.drawn = 0;
  }

  private frame(): string {
    // A line longer than the terminal wraps and breaks the cursor arithmetic: cut it.
    const width = Math.max(20, this.columns() - 1);
    return this.lines.map((line) => `${CLEAR_LINE}${truncate(line, width)}\n`).join('');
  }
}

function truncate(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
