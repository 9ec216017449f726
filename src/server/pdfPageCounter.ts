/**
 * Counts `/Type /Page` objects in a PDF as its bytes stream past, without
 * holding the file. `/Type /Pages` (the page tree nodes) must not count, and
 * a match can straddle two chunks, so a short tail of each chunk is carried
 * into the next and a match is only counted once the byte after it is known.
 */
const PAGE_PATTERN = /\/Type\s{0,16}\/Page(?![A-Za-z0-9])/g;
/** Longer than the longest possible match plus its look-ahead byte. */
const CARRY_CHARS = 40;

export class PdfPageCounter {
  private carry = '';
  /** Absolute offset of `carry[0]` in the whole stream. */
  private carryStart = 0;
  /** Matches starting before this absolute offset were already counted. */
  private countedUpTo = 0;
  private pages = 0;

  push(chunk: Uint8Array): void {
    // latin1 maps every byte to one char, so offsets stay byte offsets.
    const text = this.carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    this.scan(text, false);
    const keep = Math.min(CARRY_CHARS, text.length);
    this.carryStart += text.length - keep;
    this.carry = text.slice(text.length - keep);
  }

  /** The page count, once the whole file went through push(). */
  finish(): number {
    this.scan(this.carry, true);
    return this.pages;
  }

  private scan(text: string, atEnd: boolean): void {
    for (const match of text.matchAll(PAGE_PATTERN)) {
      const start = this.carryStart + match.index;
      const end = match.index + match[0].length;
      // Without the next byte we cannot tell "/Page" from "/Pages" yet: wait for more.
      if (!atEnd && end >= text.length) continue;
      if (start < this.countedUpTo) continue;
      this.pages += 1;
      this.countedUpTo = start + 1;
    }
  }
}
