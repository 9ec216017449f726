/** The printed table: one line per figure entry, aligned, readable in a CI log. */
import type { FigureEntry } from './figure';

const HEADERS = ['figure', 'value', 'peer', 'peer value', 'ratio', 'target', 'met'];

export function formatNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude === 0) return '0';
  return value.toFixed(3);
}

/** Counted things are whole: "8 samples", not "8.00 samples". */
const COUNT_UNITS = new Set(['samples', 'updates', 'requests']);

function withUnit(value: number | null, unit: string): string {
  if (value === null || Number.isNaN(value)) return '—';
  const shown = COUNT_UNITS.has(unit) && Number.isInteger(value) ? value.toLocaleString('en-US') : formatNumber(value);
  return `${shown} ${unit}`.trim();
}

function metCell(met: boolean | null): string {
  if (met === null) return '';
  return met ? 'yes' : 'NO';
}

export function formatTable(entries: readonly FigureEntry[]): string {
  const rows = entries.map((entry) => [
    entry.name,
    withUnit(entry.value, entry.unit),
    entry.peer ?? '—',
    entry.peer === null ? '—' : withUnit(entry.peerValue, entry.unit),
    entry.ratio === null ? '—' : `${formatNumber(entry.ratio)}×`,
    entry.target ?? '',
    metCell(entry.met),
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(HEADERS), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
