// @vitest-environment happy-dom
/** The optional WebSocket URL field: derived-URL placeholder, the shared validation inline, only a change saved. */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsDialog } from '../../src/renderer/components/SettingsDialog';
import type { IpcResult, SettingsView } from '../../src/shared/ipc';
import { SETTINGS_VIEW } from './fakeBridge';

afterEach(cleanup);

const CONFIGURED: SettingsView = { ...SETTINGS_VIEW, serverUrl: 'https://ai.example.org/api' };

function renderSettings(view: SettingsView) {
  const onSave = vi.fn(async (): Promise<IpcResult<SettingsView>> => ({ ok: true, value: view }));
  render(<SettingsDialog initial={view} onClose={vi.fn()} onSave={onSave} onSetToken={vi.fn()} onPickHotFolder={vi.fn()} onPickCaFile={vi.fn()} onPickDialectFile={vi.fn()} onTestConnection={vi.fn()} onOpenLogFolder={vi.fn()} onSaveDiagnostics={vi.fn()} />);
  const field = screen.getByLabelText('WebSocket URL (optional)') as HTMLInputElement;
  return { onSave, field, save: () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement };
}

describe('SettingsDialog: WebSocket URL', () => {
  it('shows the URL derived from the server URL as typed, and says the demo server does not use it', async () => {
    const { field } = renderSettings(SETTINGS_VIEW);
    const note = () => document.getElementById('ws-url-note')?.textContent;
    expect(note()).toBe('Not used with the demo server. Leave empty to derive it from the server URL.');
    expect(field.placeholder).toBe('wss://ai.example.org/api/ws');
    await userEvent.type(screen.getByLabelText('Server URL'), 'http://127.0.0.1:8080/intake/');
    expect(field.placeholder).toBe('ws://127.0.0.1:8080/intake/ws');
    expect(note()).toBe('Leave empty to derive it from the server URL.');
  });

  it('refuses plain ws:// to another computer inline, until insecure HTTP is allowed, then saves both', async () => {
    const { field, save, onSave } = renderSettings(CONFIGURED);
    await userEvent.type(field, 'ws://push.example.org/live');
    expect(screen.getByRole('alert').textContent).toBe('Plain ws:// is allowed only for this computer (localhost). Use wss://, or explicitly allow insecure HTTP.');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(save().disabled).toBe(true);
    await userEvent.click(screen.getByLabelText('Allow plain http:// to other computers (not recommended)'));
    expect(screen.queryByRole('alert')).toBeNull();
    await userEvent.click(save());
    expect(onSave).toHaveBeenCalledExactlyOnceWith({ webSocketUrl: 'ws://push.example.org/live', allowInsecureHttp: true });
  });

  it('refuses an http(s) URL with the scheme it got', async () => {
    const { field, save } = renderSettings(CONFIGURED);
    await userEvent.type(field, 'https://push.example.org/live');
    expect(screen.getByRole('alert').textContent).toBe('WebSocket URL must start with wss:// (got https:).');
    expect(save().disabled).toBe(true);
  });

  it('emptying a saved override saves null (derived again); an untouched one is not sent', async () => {
    const saved = { ...CONFIGURED, webSocketUrl: 'wss://push.example.org/live' };
    const first = renderSettings(saved);
    expect(first.field.value).toBe('wss://push.example.org/live');
    await userEvent.click(screen.getByLabelText('Start Intake when I log in'));
    await userEvent.click(first.save());
    expect(first.onSave).toHaveBeenCalledExactlyOnceWith({ startAtLogin: true });
    cleanup();

    const second = renderSettings(saved);
    await userEvent.clear(second.field);
    await userEvent.type(second.field, '   ');
    await userEvent.click(second.save());
    expect(second.onSave).toHaveBeenCalledExactlyOnceWith({ webSocketUrl: null });
  });
});
