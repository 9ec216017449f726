/**
 * Settings, validated as the user types with the same rules main applies.
 * The token is write-only: the renderer only ever learns whether one is set.
 */
import { useRef, useState, type FormEvent } from 'react';
import type { ConnectionCheck, IpcResult, SettingsView } from '../../shared/ipc';
import type { Settings, SettingsPatch } from '../../shared/settings';
import { FormFooter, Modal } from './Modal';
import { NetworkSettings } from './NetworkSettings';
import { BackendSettings } from './BackendSettings';
import { Field } from './Field';
import { LOCKED_NOTE, derivedWebSocketUrl, draftFrom, draftProblems, patchFrom, type SettingsDraft } from './settingsForm';

export interface SettingsDialogProps {
  initial: SettingsView;
  onClose: () => void;
  onSave: (patch: SettingsPatch) => Promise<IpcResult<SettingsView>>;
  onSetToken: (token: string | null) => Promise<IpcResult<SettingsView>>;
  /** Main's folder dialog (the page never names the hot folder itself). */
  onPickHotFolder: () => Promise<IpcResult<SettingsView>>;
  /** Main's file dialog for a custom CA certificate. */
  onPickCaFile: () => Promise<IpcResult<SettingsView>>;
  /** Main's file dialog for a custom dialect file (Backend type). */
  onPickDialectFile: () => Promise<IpcResult<SettingsView>>;
  onTestConnection: () => Promise<IpcResult<ConnectionCheck[]>>;
  /** Support: main opens the log folder / asks where to save the diagnostics file. */
  onOpenLogFolder: () => Promise<IpcResult<void>>;
  onSaveDiagnostics: () => Promise<IpcResult<boolean>>;
}


function Toggle({ id, label, checked, onChange, locked }: { id: string; label: string; checked: boolean; onChange: (value: boolean) => void; locked?: boolean }) {
  return (
    <label className="toggle" htmlFor={id}>
      <input id={id} type="checkbox" checked={checked} disabled={locked} onChange={(event) => onChange(event.target.checked)} />
      <span>
        {label}
        {locked ? <span className="field-hint"> — {LOCKED_NOTE}</span> : null}
      </span>
    </label>
  );
}

export function SettingsDialog({ initial, onClose, onSave, onSetToken, onPickHotFolder, onPickCaFile, onPickDialectFile, onTestConnection, onOpenLogFolder, onSaveDiagnostics }: SettingsDialogProps) {
  const [view, setView] = useState(initial);
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFrom(initial));
  const [token, setToken] = useState('');
  const [saveError, setSaveError] = useState<string | null>(null);
  // A token dropped because it belonged to another server is said where the new one goes.
  const [tokenNote, setTokenNote] = useState<{ text: string; error: boolean } | null>(initial.tokenNotice ? { text: initial.tokenNotice, error: true } : null);
  const [saving, setSaving] = useState(false);
  const problems = draftProblems(draft);
  const change = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  // Locked by the administrator's policy: shown, not editable (main refuses a change anyway).
  const locked = (key: keyof SettingsDraft): boolean => view.locked.includes(key.startsWith('hotFolder') ? 'hotFolder' : (key as keyof Settings));
  // Field renders its note only when it has a hint or a problem: point at it only then.
  const describe = (id: string, key: keyof SettingsDraft, hint = false) => ({
    'aria-invalid': problems[key] !== undefined,
    'aria-describedby': hint || locked(key) || problems[key] !== undefined ? `${id}-note` : undefined,
    disabled: locked(key),
  });
  const tokenRef = useRef<HTMLInputElement>(null);
  const [folderNote, setFolderNote] = useState<string | null>(null);

  const pickHotFolder = async () => {
    const result = await onPickHotFolder();
    if (!result.ok) return setFolderNote(result.error.message);
    setFolderNote(null);
    setView(result.value);
    // Saved by main already: the draft follows, so Save does not send it again.
    setDraft((d) => ({ ...d, hotFolderPath: result.value.hotFolder.path ?? '', hotFolderEnabled: result.value.hotFolder.enabled }));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    // Saving… keeps the button enabled (disabling it would drop its focus); a second press waits here.
    if (saving || Object.keys(problems).length > 0) return;
    const patch = patchFrom(view, draft);
    if (Object.keys(patch).length === 0) return onClose();
    setSaving(true);
    const result = await onSave(patch);
    setSaving(false);
    if (!result.ok) return setSaveError(result.error.message);
    setView(result.value);
    if (result.value.tokenNotice) {
      // The new server needs its own token: stay open, say why, and put the cursor where it goes.
      setTokenNote({ text: result.value.tokenNotice, error: true });
      tokenRef.current?.focus();
      return;
    }
    onClose();
  };

  const applyToken = async (value: string | null) => {
    const result = await onSetToken(value);
    if (!result.ok) return setTokenNote({ text: result.error.message, error: true });
    setView(result.value);
    setToken('');
    setTokenNote({ text: value === null ? 'Token removed.' : 'Token saved.', error: false });
    // The button pressed now disables itself (nothing typed / no token left): keep focus in the field.
    tokenRef.current?.focus();
  };

  return (
    <Modal title="Settings" onClose={onClose} testId="settings-dialog">
      <form className="form settings" onSubmit={save} noValidate>
        <fieldset>
          <legend>Server</legend>
          <Field id="server-url" label="Server URL" hint="Leave empty to use the demo server built into Intake." problem={problems.serverUrl} locked={locked('serverUrl')}>
            <input
              id="server-url"
              type="url"
              placeholder="https://ai.example.org/api"
              value={draft.serverUrl}
              onChange={(e) => change('serverUrl', e.target.value)}
              {...describe('server-url', 'serverUrl', true)}
            />
          </Field>
          <Field
            id="ws-url"
            label="WebSocket URL (optional)"
            hint={
              draft.serverUrl.trim() === ''
                ? 'Not used with the demo server. Leave empty to derive it from the server URL.'
                : 'Leave empty to derive it from the server URL.'
            }
            problem={problems.webSocketUrl}
            locked={locked('webSocketUrl')}
          >
            <input
              id="ws-url"
              type="url"
              placeholder={derivedWebSocketUrl(draft.serverUrl)}
              value={draft.webSocketUrl}
              onChange={(e) => change('webSocketUrl', e.target.value)}
              {...describe('ws-url', 'webSocketUrl', true)}
            />
          </Field>
          <BackendSettings backend={view.backend} locked={view.locked.includes('backend')} onSave={onSave} onPickDialectFile={onPickDialectFile} onSettings={setView} />
          <Toggle id="allow-http" label="Allow plain http:// to other computers (not recommended)" checked={draft.allowInsecureHttp} onChange={(v) => change('allowInsecureHttp', v)} locked={locked('allowInsecureHttp')} />
          <div className="field">
            <label htmlFor="token">Access token</label>
            <div className="inline">
              <input
                ref={tokenRef}
                id="token"
                type="password"
                aria-describedby="token-note"
                autoComplete="off"
                placeholder={view.hasToken ? 'A token is set — type to replace it' : 'No token set'}
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
              <button type="button" className="btn" disabled={token === ''} onClick={() => applyToken(token)}>
                {view.hasToken ? 'Replace' : 'Set'}
              </button>
              <button type="button" className="btn btn-ghost" disabled={!view.hasToken} onClick={() => applyToken(null)}>
                Remove
              </button>
            </div>
            {/* Always present, so "Token saved." is announced when it appears. */}
            <p id="token-note" role="status" className={tokenNote?.error ? 'field-error' : 'field-hint'}>
              {tokenNote?.text}
            </p>
            {!view.tokenEncryptionAvailable && <p className="field-hint">This system cannot encrypt the token; it is stored only if plaintext storage is allowed.</p>}
          </div>
        </fieldset>

        <fieldset>
          <legend>Uploads</legend>
          <div className="grid-2">
            <Field id="concurrency" label="Uploads at once" problem={problems.uploadConcurrency} locked={locked('uploadConcurrency')}>
              <input id="concurrency" inputMode="numeric" value={draft.uploadConcurrency} onChange={(e) => change('uploadConcurrency', e.target.value)} {...describe('concurrency', 'uploadConcurrency')} />
            </Field>
            <Field id="history" label="Finished jobs kept" problem={problems.historySize} locked={locked('historySize')}>
              <input id="history" inputMode="numeric" value={draft.historySize} onChange={(e) => change('historySize', e.target.value)} {...describe('history', 'historySize')} />
            </Field>
          </div>
          <Field id="pattern" label="Chart number from file names (regular expression)" hint="Example: ^(\d{6})_ — the first group pre-fills the chart number." problem={problems.chartNumberPattern} locked={locked('chartNumberPattern')}>
            <input id="pattern" spellCheck={false} className="mono" value={draft.chartNumberPattern} onChange={(e) => change('chartNumberPattern', e.target.value)} {...describe('pattern', 'chartNumberPattern', true)} />
          </Field>
          <Field id="hot-folder" label="Hot folder" hint="Files saved into this folder are uploaded automatically." problem={folderNote ?? problems.hotFolderPath} locked={locked('hotFolderPath')}>
            <div className="inline">
              <input id="hot-folder" readOnly className="mono" value={draft.hotFolderPath} placeholder="No folder chosen" aria-invalid={folderNote !== null || problems.hotFolderPath !== undefined} aria-describedby="hot-folder-note" />
              <button type="button" className="btn" disabled={locked('hotFolderPath')} onClick={() => void pickHotFolder()}>
                Choose folder…
              </button>
            </div>
          </Field>
          <Toggle id="hot-folder-on" label="Watch the hot folder" checked={draft.hotFolderEnabled} onChange={(v) => change('hotFolderEnabled', v)} locked={locked('hotFolderEnabled')} />
        </fieldset>

        <NetworkSettings
          draft={draft}
          problems={problems}
          caFile={view.caFile}
          locked={(key) => view.locked.includes(key)}
          change={change}
          onPickCaFile={onPickCaFile}
          onClearCaFile={() => onSave({ caFile: null })}
          onSettings={setView}
          onTestConnection={onTestConnection}
        />

        <fieldset>
          <legend>Notifications and start-up</legend>
          <Toggle id="notifications" label="Notify me when jobs finish or fail" checked={draft.notifications} onChange={(v) => change('notifications', v)} locked={locked('notifications')} />
          <Toggle id="chart-in-notifications" label="Show chart numbers in notifications" checked={draft.chartNumbersInNotifications} onChange={(v) => change('chartNumbersInNotifications', v)} locked={locked('chartNumbersInNotifications')} />
          <Toggle id="start-at-login" label="Start Intake when I log in" checked={draft.startAtLogin} onChange={(v) => change('startAtLogin', v)} locked={locked('startAtLogin')} />
        </fieldset>

        <SupportSection onOpenLogFolder={onOpenLogFolder} onSaveDiagnostics={onSaveDiagnostics} />

        <FormFooter error={saveError} onCancel={onClose} submitLabel={saving ? 'Saving…' : 'Save'} submitDisabled={Object.keys(problems).length > 0} />
      </form>
    </Modal>
  );
}

function SupportSection({ onOpenLogFolder, onSaveDiagnostics }: Pick<SettingsDialogProps, 'onOpenLogFolder' | 'onSaveDiagnostics'>) {
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const openLogs = async () => {
    const result = await onOpenLogFolder();
    setNote(result.ok ? null : { text: result.error.message, error: true });
  };
  const saveDiagnostics = async () => {
    const result = await onSaveDiagnostics();
    if (!result.ok) return setNote({ text: result.error.message, error: true });
    setNote(result.value ? { text: 'Diagnostics saved. They hold no token, chart numbers or file names.', error: false } : null);
  };
  return (
    <fieldset>
      <legend>Support</legend>
      <div className="inline">
        <button type="button" className="btn" onClick={() => void openLogs()}>
          Open log folder
        </button>
        <button type="button" className="btn" onClick={() => void saveDiagnostics()}>
          Save diagnostics…
        </button>
      </div>
      <p aria-live="polite" className={note?.error ? 'field-error' : 'field-hint'}>
        {note?.text}
      </p>
    </fieldset>
  );
}
