/**
 * Settings → Server → Backend type: the three built-in dialects, or a custom
 * dialect file chosen in main's file dialog (the page never names a path).
 * Applied at once, like the CA file: main reads and checks the file before
 * anything changes, and its refusal (naming the field) is shown here.
 */
import { useState } from 'react';
import { BUILT_IN_DIALECTS } from '../../shared/dialect';
import type { IpcResult, SettingsView } from '../../shared/ipc';
import type { SettingsPatch } from '../../shared/settings';
import { LOCKED_NOTE } from './settingsForm';

export interface BackendSettingsProps {
  backend: string;
  locked: boolean;
  onSave: (patch: SettingsPatch) => Promise<IpcResult<SettingsView>>;
  onPickDialectFile: () => Promise<IpcResult<SettingsView>>;
  onSettings: (view: SettingsView) => void;
}

const CUSTOM = 'custom';
const LABELS: Record<(typeof BUILT_IN_DIALECTS)[number], string> = {
  intake: 'Intake (WebSocket)',
  'socketio-rooms': 'Socket.IO job rooms (Flask-SocketIO)',
  'socketio-events': 'Socket.IO job and batch events',
};

export function BackendSettings({ backend, locked, onSave, onPickDialectFile, onSettings }: BackendSettingsProps) {
  const [note, setNote] = useState<string | null>(null);
  const custom = !(BUILT_IN_DIALECTS as readonly string[]).includes(backend);

  const apply = async (call: () => Promise<IpcResult<SettingsView>>) => {
    const result = await call();
    if (!result.ok) return setNote(result.error.message);
    setNote(null);
    onSettings(result.value);
  };
  const choose = (value: string) => void apply(value === CUSTOM ? onPickDialectFile : () => onSave({ backend: value }));

  return (
    <div className="field">
      <label htmlFor="backend">Backend type</label>
      <div className="inline">
        <select id="backend" value={custom ? CUSTOM : backend} disabled={locked} aria-describedby="backend-note" aria-invalid={note !== null} onChange={(e) => choose(e.target.value)}>
          {BUILT_IN_DIALECTS.map((name) => (
            <option key={name} value={name}>
              {LABELS[name]}
            </option>
          ))}
          <option value={CUSTOM}>Custom dialect file…</option>
        </select>
        {custom && (
          <button type="button" className="btn" disabled={locked} onClick={() => choose(CUSTOM)}>
            Choose file…
          </button>
        )}
      </div>
      <p id="backend-note" className={note ? 'field-error' : 'field-hint'} aria-live="polite">
        {note ?? (locked ? LOCKED_NOTE : custom ? `Dialect file: ${backend}` : 'What the server speaks. The demo server always speaks Intake.')}
      </p>
    </div>
  );
}
