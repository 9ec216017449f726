// @vitest-environment happy-dom
/** Settings: inline validation with the shared rules, only changed fields saved, errors shown, token write-only. */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsDialog } from '../../src/renderer/components/SettingsDialog';
import type { ConnectionCheck, IpcResult, SettingsView } from '../../src/shared/ipc';
import { SETTINGS_VIEW } from './fakeBridge';

afterEach(cleanup);

function renderSettings(view: SettingsView = SETTINGS_VIEW) {
  const onSave = vi.fn(async (): Promise<IpcResult<SettingsView>> => ({ ok: true, value: view }));
  const onSetToken = vi.fn(async (token: string | null): Promise<IpcResult<SettingsView>> => ({ ok: true, value: { ...view, hasToken: token !== null } }));
  const onClose = vi.fn();
  const picked = { current: null as IpcResult<SettingsView> | null };
  const onPickHotFolder = vi.fn(async (): Promise<IpcResult<SettingsView>> => picked.current ?? { ok: true, value: view });
  const onPickCaFile = vi.fn(async (): Promise<IpcResult<SettingsView>> => ({ ok: true, value: { ...view, caFile: '/etc/hospital/ca.pem' } }));
  const dialectFile = { current: { ok: true, value: { ...view, backend: '/etc/intake/acme.json' } } as IpcResult<SettingsView> };
  const onPickDialectFile = vi.fn(async (): Promise<IpcResult<SettingsView>> => dialectFile.current);
  const checks: ConnectionCheck[] = [
    { name: 'DNS', outcome: 'ok', detail: 'ai.example.org resolves' },
    { name: 'TLS', outcome: 'failed', detail: 'The certificate of ai.example.org is signed by an authority this computer does not trust.' },
    { name: 'HTTP', outcome: 'skipped', detail: '' },
  ];
  const onTestConnection = vi.fn(async (): Promise<IpcResult<ConnectionCheck[]>> => ({ ok: true, value: checks }));
  const onOpenLogFolder = vi.fn(async (): Promise<IpcResult<void>> => ({ ok: false, error: { code: 'unavailable', message: 'The log folder could not be opened: no file manager' } }));
  const onSaveDiagnostics = vi.fn(async (): Promise<IpcResult<boolean>> => ({ ok: true, value: true }));
  render(
    <SettingsDialog
      initial={view}
      onClose={onClose}
      onSave={onSave}
      onSetToken={onSetToken}
      onPickHotFolder={onPickHotFolder}
      onPickCaFile={onPickCaFile}
      onPickDialectFile={onPickDialectFile}
      onTestConnection={onTestConnection}
      onOpenLogFolder={onOpenLogFolder}
      onSaveDiagnostics={onSaveDiagnostics}
    />,
  );
  return { onSave, onSetToken, onClose, onPickHotFolder, onPickCaFile, onPickDialectFile, dialectFile, onTestConnection, onOpenLogFolder, onSaveDiagnostics, picked, save: () => screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement };
}

describe('SettingsDialog: backend type', () => {
  it('a preset is saved at once; a custom file comes from main\'s dialog, and its refusal naming the field is shown', async () => {
    const { onSave, onPickDialectFile, dialectFile } = renderSettings();
    const select = screen.getByLabelText('Backend type') as HTMLSelectElement;
    expect(select.value).toBe('intake');
    expect([...select.options].map((o) => o.textContent)).toEqual(['Intake (WebSocket)', 'Socket.IO job rooms (Flask-SocketIO)', 'Socket.IO job and batch events', 'Custom dialect file…']);
    onSave.mockResolvedValueOnce({ ok: true, value: { ...SETTINGS_VIEW, backend: 'socketio-events' } });
    await userEvent.selectOptions(select, 'socketio-events');
    expect(onSave).toHaveBeenCalledWith({ backend: 'socketio-events' });
    expect(select.value).toBe('socketio-events');

    const refusal = 'The dialect file /etc/intake/broken.json is not usable: rest.status: must contain "{id}" exactly once';
    dialectFile.current = { ok: false, error: { code: 'invalid_request', message: refusal } };
    await userEvent.selectOptions(select, 'custom');
    expect(onPickDialectFile).toHaveBeenCalledTimes(1);
    expect(document.getElementById('backend-note')?.textContent).toBe(refusal);
    expect(select.value).toBe('socketio-events');

    dialectFile.current = { ok: true, value: { ...SETTINGS_VIEW, backend: '/etc/intake/acme.json' } };
    await userEvent.selectOptions(select, 'custom');
    expect(select.value).toBe('custom');
    expect(document.getElementById('backend-note')?.textContent).toBe('Dialect file: /etc/intake/acme.json');
    expect(onSave).toHaveBeenCalledTimes(1);
  });

  it('locked by policy: shown, not changeable', () => {
    renderSettings({ ...SETTINGS_VIEW, backend: 'socketio-rooms', locked: ['backend'] });
    const select = screen.getByLabelText('Backend type') as HTMLSelectElement;
    expect(select.value).toBe('socketio-rooms');
    expect(select.disabled).toBe(true);
    expect(document.getElementById('backend-note')?.textContent).toBe('Set by your administrator.');
  });
});

describe('SettingsDialog: network', () => {
  it('a manual proxy is checked as typed and saved with its bypass list; System and None need nothing more', async () => {
    const { onSave, save } = renderSettings();
    await userEvent.click(screen.getByRole('radio', { name: /^Manual/ }));
    await userEvent.type(screen.getByLabelText('Proxy URL'), 'http://proxy.hospital.local');
    expect(screen.getByRole('alert').textContent).toBe('Proxy URL must name its port (example: http://proxy.example.org:3128).');
    await userEvent.click(save());
    expect(onSave).not.toHaveBeenCalled();
    await userEvent.type(screen.getByLabelText('Proxy URL'), ':3128');
    await userEvent.type(screen.getByLabelText(/Connect directly to/), '*.hospital.local');
    await userEvent.click(save());
    expect(onSave).toHaveBeenCalledWith({ proxyMode: 'manual', proxyUrl: 'http://proxy.hospital.local:3128', proxyBypass: '*.hospital.local' });
  });

  it('the CA file is chosen in main\'s dialog (read-only here), and Test connection lists each step with what failed', async () => {
    const { onPickCaFile, onTestConnection } = renderSettings();
    const ca = screen.getByLabelText('Custom CA certificate (PEM)') as HTMLInputElement;
    expect(ca.readOnly).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: 'Choose file…' }));
    expect(onPickCaFile).toHaveBeenCalledTimes(1);
    expect(ca.value).toBe('/etc/hospital/ca.pem');
    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(onTestConnection).toHaveBeenCalledTimes(1);
    const steps = screen.getByRole('list', { name: 'Connection test' }).querySelectorAll('li');
    expect([...steps].map((li) => li.textContent)).toEqual([
      'DNS: OK — ai.example.org resolves',
      'TLS: Failed — The certificate of ai.example.org is signed by an authority this computer does not trust.',
      'HTTP: Not tried',
    ]);
  });
});

describe('SettingsDialog', () => {
  it('the hot folder is chosen in main\'s dialog, not typed: the field is read-only, a refusal is shown, a choice is not sent again', async () => {
    const { onPickHotFolder, picked, onSave, save } = renderSettings();
    const field = screen.getByLabelText('Hot folder') as HTMLInputElement;
    expect(field.readOnly).toBe(true);
    picked.current = { ok: false, error: { code: 'invalid_request', message: 'Documents (or a folder holding it) cannot be the hot folder.' } };
    await userEvent.click(screen.getByRole('button', { name: 'Choose folder…' }));
    expect(onPickHotFolder).toHaveBeenCalledTimes(1);
    expect(screen.getByText('Documents (or a folder holding it) cannot be the hot folder.')).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    picked.current = { ok: true, value: { ...SETTINGS_VIEW, hotFolder: { path: '/scans/in', enabled: true } } };
    await userEvent.click(screen.getByRole('button', { name: 'Choose folder…' }));
    expect(field.value).toBe('/scans/in');
    expect((screen.getByLabelText('Watch the hot folder') as HTMLInputElement).checked).toBe(true);
    await userEvent.click(save());
    expect(onSave).not.toHaveBeenCalled(); // main saved it when it was chosen
  });

  it('a token dropped for another server is said at the token field when the dialog opens', () => {
    renderSettings({ ...SETTINGS_VIEW, tokenNotice: 'The saved token was for https://a.example; it is not sent to https://b.example. Enter the token for this server.' });
    expect(screen.getByText(/not sent to https:\/\/b.example/).id).toBe('token-note');
  });

  it('points aria-describedby only at notes that exist', async () => {
    renderSettings();
    const dangling = () => [...document.querySelectorAll('[aria-describedby]')].map((el) => el.getAttribute('aria-describedby')!).filter((id) => document.getElementById(id) === null);
    expect(document.querySelectorAll('[aria-describedby]').length).toBeGreaterThan(3);
    expect(dangling()).toEqual([]);
    await userEvent.clear(screen.getByLabelText('Uploads at once'));
    expect(screen.getByLabelText('Uploads at once').getAttribute('aria-describedby')).toBe('concurrency-note');
    expect(dangling()).toEqual([]);
  });

  it('announces the token note and keeps focus in the token field after Set disables itself', async () => {
    const { onSetToken } = renderSettings();
    await userEvent.type(screen.getByLabelText('Access token'), 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Set' }));
    expect(onSetToken).toHaveBeenCalledExactlyOnceWith('s3cret');
    expect(screen.getByRole('status').textContent).toBe('Token saved.');
    expect(document.activeElement).toBe(screen.getByLabelText('Access token'));
  });

  it('refuses plain http to another computer inline, until insecure HTTP is allowed', async () => {
    const { save, onSave } = renderSettings();
    await userEvent.type(screen.getByLabelText('Server URL'), 'http://ai.example.org/api');
    expect(screen.getByRole('alert').textContent).toBe('Plain http:// is allowed only for this computer (localhost). Use https://, or explicitly allow insecure HTTP.');
    expect(save().disabled).toBe(true);
    await userEvent.click(screen.getByLabelText('Allow plain http:// to other computers (not recommended)'));
    expect(screen.queryByRole('alert')).toBeNull();
    await userEvent.click(save());
    expect(onSave).toHaveBeenCalledExactlyOnceWith({ serverUrl: 'http://ai.example.org/api', allowInsecureHttp: true });
  });

  it('validates numbers and the chart-number pattern', async () => {
    const { save } = renderSettings();
    await userEvent.clear(screen.getByLabelText('Uploads at once'));
    await userEvent.type(screen.getByLabelText('Uploads at once'), '9');
    await userEvent.type(screen.getByLabelText('Chart number from file names (regular expression)'), '(unclosed');
    const alerts = screen.getAllByRole('alert').map((alert) => alert.textContent);
    expect(alerts[0]).toBe('Uploads at once must be between 1 and 8.');
    expect(alerts[1]).toMatch(/^Chart-number pattern is not a valid regular expression: /);
    expect(save().disabled).toBe(true);
  });

  it('shows an error from updateSettings inline and stays open', async () => {
    const { onSave, onClose } = renderSettings();
    onSave.mockResolvedValueOnce({ ok: false, error: { code: 'invalid_request', message: 'Start at login is not supported on this system.' } });
    await userEvent.click(screen.getByLabelText('Start Intake when I log in'));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Start at login is not supported on this system.');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('the token is write-only: set, then replace or remove; its value is never shown', async () => {
    const { onSetToken } = renderSettings();
    const field = screen.getByLabelText('Access token') as HTMLInputElement;
    expect(field.type).toBe('password');
    expect((screen.getByRole('button', { name: 'Remove' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(field, 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Set' }));
    expect(onSetToken).toHaveBeenCalledWith('s3cret');
    expect(field.value).toBe('');
    expect(screen.getByText('Token saved.')).toBeTruthy();
    expect(field.placeholder).toBe('A token is set — type to replace it');
    await userEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(onSetToken).toHaveBeenLastCalledWith(null);
    expect(screen.getByText('Token removed.')).toBeTruthy();
  });
});

describe('SettingsDialog: managed settings', () => {
  it('a setting the administrator locked is shown read-only with "Set by your administrator."; the others stay editable', async () => {
    const { onSave, save } = renderSettings({ ...SETTINGS_VIEW, serverUrl: 'https://intake.clinic.example/api', startAtLogin: true, locked: ['serverUrl', 'startAtLogin', 'hotFolder'] });
    const url = screen.getByLabelText('Server URL') as HTMLInputElement;
    expect(url.disabled).toBe(true);
    expect(document.getElementById(url.getAttribute('aria-describedby') ?? '')?.textContent).toBe('Set by your administrator.');
    const login = screen.getByRole('checkbox', { name: /Start Intake when I log in/ }) as HTMLInputElement;
    expect(login.disabled).toBe(true);
    expect(login.closest('label')?.textContent).toContain('Set by your administrator.');
    expect((screen.getByRole('button', { name: 'Choose folder…' }) as HTMLButtonElement).disabled).toBe(true);
    const notify = screen.getByRole('checkbox', { name: /Notify me/ }) as HTMLInputElement;
    expect(notify.disabled).toBe(false);
    await userEvent.click(notify);
    await userEvent.click(save());
    expect(onSave).toHaveBeenCalledWith({ notifications: false });
  });

  it('a locked proxy holds the whole proxy group read-only, a locked CA file its buttons; Test connection stays', () => {
    renderSettings({ ...SETTINGS_VIEW, proxyMode: 'manual', proxyUrl: 'http://proxy.clinic.example:3128', caFile: '/etc/intake/ca.pem', locked: ['proxyUrl', 'caFile'] });
    for (const radio of screen.getAllByRole('radio')) expect((radio as HTMLInputElement).disabled).toBe(true);
    expect(document.getElementById(screen.getByRole('radiogroup', { name: 'Proxy' }).getAttribute('aria-describedby') ?? '')?.textContent).toBe('Set by your administrator.');
    expect((screen.getByLabelText('Proxy URL') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText(/Connect directly to/) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Choose file…' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Remove certificate' }) as HTMLButtonElement).disabled).toBe(true);
    expect(document.getElementById('ca-file-note')?.textContent).toBe('Set by your administrator.');
    expect((screen.getByRole('button', { name: 'Test connection' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('nothing locked: the proxy and CA controls are editable', () => {
    renderSettings({ ...SETTINGS_VIEW, proxyMode: 'manual', proxyUrl: 'http://proxy.clinic.example:3128', caFile: '/etc/intake/ca.pem', locked: [] });
    for (const radio of screen.getAllByRole('radio')) expect((radio as HTMLInputElement).disabled).toBe(false);
    expect((screen.getByLabelText('Proxy URL') as HTMLInputElement).disabled).toBe(false);
    expect((screen.getByRole('button', { name: 'Remove certificate' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('SettingsDialog: support', () => {
  it('Open log folder and Save diagnostics… ask main, and say what happened', async () => {
    const { onOpenLogFolder, onSaveDiagnostics } = renderSettings();
    await userEvent.click(screen.getByRole('button', { name: 'Open log folder' }));
    expect(onOpenLogFolder).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('The log folder could not be opened: no file manager')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save diagnostics…' }));
    expect(onSaveDiagnostics).toHaveBeenCalledTimes(1);
    expect(await screen.findByText(/^Diagnostics saved\./)).toBeTruthy();
  });
});
