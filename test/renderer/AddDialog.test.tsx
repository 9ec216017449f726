// @vitest-environment happy-dom
/** The add dialog: what will and will not be sent, chart-number validation, Enter submits, Escape closes. */
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AddDialog } from '../../src/renderer/components/AddDialog';
import type { AddFlowState } from '../../src/renderer/hooks/useAddFlow';
import { suggestChartNumber } from '../../src/renderer/store/chartSuggestion';

afterEach(cleanup);

const READY: Exclude<AddFlowState, { status: 'closed' }> = {
  status: 'ready',
  suggestion: { value: '', source: 'none', last: null },
  inspection: {
    accepted: [
      { path: '/in/scan-1.pdf', name: 'scan-1.pdf', size: 2_400_000, type: 'pdf' },
      { path: '/in/scan-2.tiff', name: 'scan-2.tiff', size: 18_000_000, type: 'tiff' },
    ],
    rejected: [{ path: '/in/notes.docx', name: 'notes.docx', reason: 'Type not accepted: not a PDF, TIFF, PNG or JPEG.' }],
  },
};

function renderDialog(state = READY, onSubmit = vi.fn(async () => null as string | null)) {
  const onClose = vi.fn();
  render(<AddDialog state={state} onClose={onClose} onSubmit={onSubmit} />);
  const dialog = screen.getByRole('dialog');
  return { dialog, onClose, onSubmit, input: within(dialog).getByLabelText('Chart number') as HTMLInputElement };
}

describe('AddDialog', () => {
  it('lists the files to send with sizes and each rejected file with its reason', () => {
    const { dialog } = renderDialog();
    expect(within(dialog).getByRole('heading', { name: 'Add 2 documents' })).toBeTruthy();
    expect([...dialog.querySelectorAll('.file-list li')].map((li) => li.textContent)).toEqual(['PDFscan-1.pdf2.4 MB', 'TIFFscan-2.tiff18 MB']);
    expect(dialog.querySelector('.file-total')?.textContent).toBe('2 files · 20 MB');
    expect(dialog.querySelector('.rejected h3')?.textContent).toBe('1 file will not be sent');
    expect(dialog.querySelector('.rejected li')?.textContent).toBe('notes.docxType not accepted: not a PDF, TIFF, PNG or JPEG.');
  });

  it('explains a bad chart number inline and does not submit it', async () => {
    const { input, onSubmit, dialog } = renderDialog();
    expect(document.activeElement).toBe(input); // focus goes to the one question
    await userEvent.type(input, 'AB/12{Enter}');
    expect(within(dialog).getByRole('alert').textContent).toBe('Chart number contains "/"; only letters, digits, ".", "_" and "-" are allowed.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(onSubmit).not.toHaveBeenCalled();
    await userEvent.clear(input);
    await userEvent.type(input, 'x'.repeat(65));
    expect(within(dialog).getByRole('alert').textContent).toBe('Chart number is 65 characters long; at most 64 are allowed.');
  });

  it('Enter submits the trimmed chart number with the accepted paths only', async () => {
    const { input, onSubmit } = renderDialog();
    await userEvent.type(input, '  CH-42.b  {Enter}');
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('CH-42.b', ['/in/scan-1.pdf', '/in/scan-2.tiff']);
  });

  it('shows an error from enqueue and keeps the dialog open', async () => {
    const { input } = renderDialog(READY, vi.fn(async () => 'The job could not be saved to disk.'));
    await userEvent.type(input, 'CH-1{Enter}');
    expect(await screen.findByText('The job could not be saved to disk.')).toBeTruthy();
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('Escape closes without submitting', async () => {
    const { onClose, onSubmit } = renderDialog();
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledOnce();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('starts from the suggestion and says where it came from, until the user changes it', async () => {
    const { input, dialog } = renderDialog({ ...READY, suggestion: { value: 'CH-777', source: 'pattern', last: null } });
    expect(input.value).toBe('CH-777');
    expect(dialog.querySelector('#chart-number-hint')?.textContent).toBe('From file name');
    await userEvent.type(input, '8');
    expect(dialog.querySelector('#chart-number-hint')?.textContent).toBe('Letters, digits, ".", "_" and "-"');
  });

  it('starts empty when the file names suggest nothing, even with a number used before', () => {
    const { input, dialog } = renderDialog({ ...READY, suggestion: { value: '', source: 'none', last: 'CH-2026.117' } });
    expect(input.value).toBe('');
    expect((within(dialog).getByRole('button', { name: 'Send 2 files' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('offers the last chart number as a chip: one click fills it in, focus stays in the field', async () => {
    const onSubmit = vi.fn(async () => null as string | null);
    const { input, dialog } = renderDialog({ ...READY, suggestion: { value: '', source: 'none', last: 'CH-2026.117' } }, onSubmit);
    const chip = within(dialog).getByRole('button', { name: 'Same chart as before: CH-2026.117' });
    await userEvent.click(chip);
    expect(input.value).toBe('CH-2026.117');
    expect(document.activeElement).toBe(input);
    expect(within(dialog).queryByRole('button', { name: /Same chart as before/ })).toBeNull(); // nothing left to offer
    await userEvent.keyboard('{Enter}');
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('CH-2026.117', ['/in/scan-1.pdf', '/in/scan-2.tiff']);
  });

  it('offers no chip when the field already holds the last number (from the file names)', () => {
    const { dialog } = renderDialog({ ...READY, suggestion: { value: 'CH-5', source: 'pattern', last: 'CH-5' } });
    expect(within(dialog).queryByRole('button', { name: /Same chart as before/ })).toBeNull();
  });

  it('warns about a file already sent (when, which chart) and one in the drop twice, and still sends', async () => {
    const sentAt = new Date(2026, 11, 2, 9, 14).getTime(); // local time: shown as the user's clock reads it
    const onSubmit = vi.fn(async () => null as string | null);
    const { dialog, input } = renderDialog(
      {
        ...READY,
        inspection: {
          ...READY.inspection,
          seenBefore: [
            { path: '/in/scan-1.pdf', sentAt, chartNumber: 'CH-2026.117', twiceInDrop: false },
            { path: '/in/scan-2.tiff', sentAt: null, chartNumber: null, twiceInDrop: true },
          ],
        },
      },
      onSubmit,
    );
    expect([...dialog.querySelectorAll('.file-warning')].map((el) => el.textContent)).toEqual(['Already sent on 2 Dec, 09:14 to chart CH-2026.117', 'In this drop twice']);
    expect(dialog.querySelector('.seen-before-note')?.textContent).toBe('2 files may have been sent already: check before sending (it is a warning, not a block).');
    await userEvent.type(input, 'CH-9{Enter}');
    expect(onSubmit).toHaveBeenCalledOnce();
  });

  it('no warning when nothing was sent before', () => {
    const { dialog } = renderDialog({ ...READY, inspection: { ...READY.inspection, seenBefore: [] } });
    expect(dialog.querySelector('.file-warning, .seen-before-note')).toBeNull();
  });

  it('the submit button names the chart once it is valid', async () => {
    const { input, dialog } = renderDialog();
    expect(within(dialog).getByRole('button', { name: 'Send 2 files' })).toBeTruthy();
    await userEvent.type(input, 'CH-2026.117');
    expect(within(dialog).getByRole('button', { name: 'Send 2 files to CH-2026.117' })).toBeTruthy();
    await userEvent.type(input, '/');
    expect(within(dialog).getByRole('button', { name: 'Send 2 files' })).toBeTruthy(); // never names an invalid chart
  });

  it('with nothing acceptable: "Nothing to send", the upload button disabled', async () => {
    const onSubmit = vi.fn(async () => null);
    const { dialog, input } = renderDialog({ ...READY, inspection: { accepted: [], rejected: READY.inspection.rejected } }, onSubmit);
    expect(within(dialog).getByRole('heading', { level: 2 }).textContent).toBe('Nothing to send');
    expect((within(dialog).getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(input, 'CH-1{Enter}');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('while files are checked: a progress note, then the suggestion once it arrives', async () => {
    const onClose = vi.fn();
    const view = render(<AddDialog state={{ status: 'checking', count: 3 }} onClose={onClose} onSubmit={vi.fn(async () => null)} />);
    expect(screen.getByRole('heading').textContent).toBe('Checking 3 items…');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => view.rerender(<AddDialog state={{ ...READY, suggestion: { value: 'CH-31', source: 'pattern', last: null } }} onClose={onClose} onSubmit={vi.fn(async () => null)} />));
    expect((screen.getByLabelText('Chart number') as HTMLInputElement).value).toBe('CH-31');
  });

  it('a chart number typed while the files are checked is kept when the suggestion arrives', async () => {
    const onClose = vi.fn();
    const onSubmit = vi.fn(async () => null as string | null);
    const view = render(<AddDialog state={{ status: 'checking', count: 1 }} onClose={onClose} onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText('Chart number'), 'TYPED-7');
    await act(async () => view.rerender(<AddDialog state={{ ...READY, suggestion: { value: 'CH-31', source: 'pattern', last: null } }} onClose={onClose} onSubmit={onSubmit} />));
    expect((screen.getByLabelText('Chart number') as HTMLInputElement).value).toBe('TYPED-7');
    await userEvent.type(screen.getByLabelText('Chart number'), '{Enter}');
    expect(onSubmit).toHaveBeenCalledWith('TYPED-7', ['/in/scan-1.pdf', '/in/scan-2.tiff']);
  });
});

describe('suggestChartNumber', () => {
  it('takes the first capture group of the pattern when all files agree; the last number is only offered', () => {
    expect(suggestChartNumber(['/in/CH-777_a.pdf', '/in/CH-777_b.pdf'], '^(CH-\\d+)_', 'OLD-1')).toEqual({ value: 'CH-777', source: 'pattern', last: 'OLD-1' });
  });
  it('looks at the folder name when the file name does not match (either separator)', () => {
    expect(suggestChartNumber(['/scans/CH-2026.117/page-1.pdf', 'C:\\scans\\CH-2026.117\\page-2.tif'], '^(CH-[\\d.]+)$', null)).toEqual({
      value: 'CH-2026.117',
      source: 'pattern',
      last: null,
    });
    expect(suggestChartNumber(['/scans/CH-1/CH-2_a.pdf'], '(CH-\\d)', null).value).toBe('CH-2'); // the file's own name wins
  });
  it('never pre-fills the last number: without a match the field starts empty', () => {
    expect(suggestChartNumber(['/in/CH-1_a.pdf', '/in/CH-2_b.pdf'], '^(CH-\\d+)_', 'OLD-1')).toEqual({ value: '', source: 'none', last: 'OLD-1' });
    expect(suggestChartNumber(['/in/a b_x.pdf'], '^(.+)_', null)).toEqual({ value: '', source: 'none', last: null });
    expect(suggestChartNumber(['/in/x.pdf'], null, 'OLD-1')).toEqual({ value: '', source: 'none', last: 'OLD-1' });
  });
  it('survives an invalid pattern and an invalid remembered value', () => {
    expect(suggestChartNumber(['/in/x.pdf'], '([', 'bad value!')).toEqual({ value: '', source: 'none', last: null });
  });
});
