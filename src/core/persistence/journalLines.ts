/**
 * The journal's line format: `<crc32, 8 hex digits> <JSON>\n`, one record a
 * line. The checksum is what tells a torn or damaged line from a good one: a
 * crash in the middle of an append leaves a last line without its newline or
 * with content that does not match its checksum. Reading stops at the first
 * such line; everything before it is good, the rest is the torn tail.
 */
import { crc32 } from 'node:zlib';

const NEWLINE = 0x0a;
const CRC_DIGITS = 8;

export function encodeLine(json: string): string {
  return `${crc32(json).toString(16).padStart(CRC_DIGITS, '0')} ${json}\n`;
}

export interface DecodedLines {
  /** The records of the good lines, in order. */
  records: unknown[];
  /** Bytes covered by the good lines: where the next append must start. */
  goodBytes: number;
  /** Bytes after the good lines (a torn or damaged tail); 0 when the file is whole. */
  tailBytes: number;
}

export function decodeLines(data: Buffer): DecodedLines {
  const records: unknown[] = [];
  let start = 0;
  while (start < data.length) {
    const end = data.indexOf(NEWLINE, start);
    if (end < 0) break; // the last line has no newline: torn while it was written
    const record = decodeLine(data.subarray(start, end));
    if (record === undefined) break;
    records.push(record);
    start = end + 1;
  }
  return { records, goodBytes: start, tailBytes: data.length - start };
}

function decodeLine(line: Buffer): unknown {
  if (line.length < CRC_DIGITS + 2 || line[CRC_DIGITS] !== 0x20) return undefined;
  const expected = Number.parseInt(line.subarray(0, CRC_DIGITS).toString('latin1'), 16);
  const body = line.subarray(CRC_DIGITS + 1);
  if (!Number.isInteger(expected) || crc32(body) !== expected) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
