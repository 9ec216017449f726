// @vitest-environment happy-dom
/** Results as tables for the reference server's shape; any other shape shown generically, never a crash. */
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResultsDialog } from '../../src/renderer/components/ResultsDialog';
import { readResults, resultsForJob } from '../../src/renderer/components/resultsModel';
import { job } from './jobFixtures';

afterEach(cleanup);

const REFERENCE = {
  jobId: 'srv-1',
  completedAt: '2026-11-22T10:01:08.000Z',
  attempts: 2,
  documents: [{ name: 'scan-1.pdf', size: 2_400_000, type: 'pdf', sha256: 'ab12cd34ef56ab12cd34ef56', pages: 4 }],
  phases: [
    { phase: 'processing', attempt: 1, startedAt: '2026-11-22T10:00:00.000Z', endedAt: '2026-11-22T10:00:02.000Z' },
    { phase: 'processing', attempt: 2, startedAt: '2026-11-22T10:00:05.000Z', endedAt: '2026-11-22T10:00:06.500Z' },
  ],
};

const completed = job({ stage: 'completed', jobId: 'srv-1' });

describe('ResultsDialog', () => {
  it('renders documents and phase timings as tables, the rest as key/value, raw JSON one click away', async () => {
    render(<ResultsDialog job={completed} state={{ status: 'ok', value: REFERENCE }} onClose={vi.fn()} />);
    const docs = screen.getByRole('table', { name: 'Documents' });
    expect([...docs.querySelectorAll('tbody td')].map((td) => td.textContent)).toEqual(['scan-1.pdf', '2.4 MB', 'PDF', '4', 'ab12cd34ef56…']);
    const phases = screen.getByRole('table', { name: 'Phase timings' });
    expect([...phases.querySelectorAll('tbody tr')].map((tr) => [tr.children[0]?.textContent, tr.children[1]?.textContent, tr.lastElementChild?.textContent])).toEqual([
      ['1', 'Processing', '2 s'],
      ['2', 'Processing', '1.5 s'],
    ]);
    expect(screen.getByText('completedAt')).toBeTruthy();
    await userEvent.click(screen.getByRole('tab', { name: 'Raw JSON' }));
    expect(JSON.parse(document.querySelector('pre.raw')!.textContent!)).toEqual(REFERENCE);
  });

  it.each([
    ['a string', 'all good'],
    ['a number', 42],
    ['an array', [1, { a: [2, 3] }]],
    ['nested unknown object', { model: { name: 'v2', scores: { a: 0.9 } }, notes: null }],
    ['documents that are not objects', { documents: ['a', 'b'], phases: 'soon' }],
    ['deep nesting', JSON.parse('{"a":'.repeat(30) + '1' + '}'.repeat(30))],
  ])('shows %s without crashing', (_label, value) => {
    render(<ResultsDialog job={completed} state={{ status: 'ok', value }} onClose={vi.fn()} />);
    expect(within(screen.getByRole('dialog')).getByRole('heading', { level: 3 }).textContent).toBe('Details');
  });

  it('tabs: one tab stop, arrows switch the view, the panel is labelled by its tab, the raw JSON can take focus to scroll', async () => {
    render(<ResultsDialog job={completed} state={{ status: 'ok', value: REFERENCE }} onClose={vi.fn()} />);
    const tables = screen.getByRole('tab', { name: 'Tables' });
    const raw = screen.getByRole('tab', { name: 'Raw JSON' });
    expect([tables.tabIndex, raw.tabIndex]).toEqual([0, -1]);
    const panel = screen.getByRole('tabpanel');
    expect(panel.getAttribute('aria-labelledby')).toBe(tables.id);
    expect(tables.getAttribute('aria-controls')).toBe(panel.id);
    tables.focus();
    await userEvent.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(raw);
    expect(raw.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(raw.id);
    expect(screen.getByRole('region', { name: 'Raw JSON of the results' }).tabIndex).toBe(0);
    await userEvent.keyboard('{Home}');
    expect(document.activeElement).toBe(tables);
    expect(screen.getByRole('table', { name: 'Documents' })).toBeTruthy();
  });

  it('says so when there are no results, and shows a load error', () => {
    render(<ResultsDialog job={completed} state={{ status: 'ok', value: null }} onClose={vi.fn()} />);
    expect(screen.getByText('The server sent no results for this job.')).toBeTruthy();
    cleanup();
    render(<ResultsDialog job={completed} state={{ status: 'error', message: 'Results exist only once the job has completed.' }} onClose={vi.fn()} />);
    expect(screen.getByRole('alert').textContent).toBe('Results exist only once the job has completed.');
  });
});

describe('resultsModel', () => {
  it('picks this job out of results keyed by jobId', () => {
    expect(resultsForJob({ 'srv-1': REFERENCE, other: {} }, 'srv-1')).toBe(REFERENCE);
    expect(resultsForJob(REFERENCE, 'srv-1')).toBe(REFERENCE);
  });
  it('reads other servers\u2019 spellings (fileName, pageCount, hash; phases as an object)', () => {
    const read = readResults({ files: [{ fileName: 'x.tif', bytes: 10, mimeType: 'image/tiff', pageCount: 2, hash: 'ff' }], timings: { ocr_started: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z' } } });
    expect(read.documents).toEqual([{ name: 'x.tif', size: 10, type: 'image/tiff', pages: 2, sha256: 'ff' }]);
    expect(read.phases).toEqual([{ phase: 'ocr_started', attempt: null, start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z', durationMs: 60_000 }]);
    expect(read.rest).toBeNull();
  });
});
