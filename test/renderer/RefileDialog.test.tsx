// @vitest-environment happy-dom
/** Re-file: the chart validated as everywhere, the button names what happens (move, or cancel and send again). */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RefileDialog } from '../../src/renderer/components/RefileDialog';
import { job, server } from './jobFixtures';

afterEach(cleanup);

describe('RefileDialog', () => {
  it('a queued job: "Move to <chart>", invalid or unchanged numbers explained and not sent', async () => {
    const onSubmit = vi.fn(async () => null as string | null);
    render(<RefileDialog job={job({ chartNumber: 'CH-1' })} onClose={vi.fn()} onSubmit={onSubmit} />);
    expect(screen.getByRole('heading').textContent).toBe('Change the chart of CH-1');
    const input = screen.getByLabelText('New chart number');
    expect(document.activeElement).toBe(input);
    await userEvent.type(input, 'CH-1{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('That is the chart number the job already has.');
    await userEvent.clear(input);
    await userEvent.type(input, 'CH 2{Enter}');
    expect(screen.getByRole('alert').textContent).toBe('Chart number contains " "; only letters, digits, ".", "_" and "-" are allowed.');
    expect(onSubmit).not.toHaveBeenCalled();
    await userEvent.clear(input);
    await userEvent.type(input, 'CH-2');
    await userEvent.click(screen.getByRole('button', { name: 'Move to CH-2' }));
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('CH-2');
  });

  it('a job the server holds: "Cancel and send again under another chart number"; an error stays in the dialog', async () => {
    const onSubmit = vi.fn(async () => 'A file of this job is no longer where it was sent from.');
    render(<RefileDialog job={job({ chartNumber: 'CH-1', stage: 'tracking', jobId: 'srv-1', server: server() })} onClose={vi.fn()} onSubmit={onSubmit} />);
    expect(screen.getByRole('heading').textContent).toBe('Cancel and send again under another chart number');
    await userEvent.type(screen.getByLabelText('New chart number'), 'CH-9{Enter}');
    expect(onSubmit).toHaveBeenCalledWith('CH-9');
    expect((await screen.findByText('A file of this job is no longer where it was sent from.')).getAttribute('role')).toBe('alert');
    expect(screen.getByRole('button', { name: 'Cancel and send again to CH-9' })).toBeTruthy();
  });
});
