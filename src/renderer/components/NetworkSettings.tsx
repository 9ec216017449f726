/**
 * Settings → Network: how Intake reaches the server (the system's proxy
 * decision, none, or a proxy of its own), a custom certificate authority
 * chosen in main's file dialog, and *Test connection* — each step of the
 * check (DNS, TCP, proxy, TLS, HTTP, WebSocket) with what failed.
 */
import { useId, useState } from 'react';
import type { ConnectionCheck, IpcResult, SettingsView } from '../../shared/ipc';
import type { Settings } from '../../shared/settings';
import { Field } from './Field';
import { LOCKED_NOTE, type DraftProblems, type SettingsDraft } from './settingsForm';

export interface NetworkSettingsProps {
  draft: SettingsDraft;
  problems: DraftProblems;
  caFile: string | null;
  /** Settings the administrator's policy sets: shown, not editable (main refuses them too). */
  locked: (key: keyof Settings) => boolean;
  change: <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => void;
  onPickCaFile: () => Promise<IpcResult<SettingsView>>;
  onClearCaFile: () => Promise<IpcResult<SettingsView>>;
  onSettings: (view: SettingsView) => void;
  onTestConnection: () => Promise<IpcResult<ConnectionCheck[]>>;
}

const MODES: Array<{ value: SettingsDraft['proxyMode']; label: string }> = [
  { value: 'system', label: 'System (the operating system’s proxy settings and PAC file)' },
  { value: 'none', label: 'None (connect directly)' },
  { value: 'manual', label: 'Manual' },
];

const OUTCOME_WORDS: Record<ConnectionCheck['outcome'], string> = { ok: 'OK', failed: 'Failed', skipped: 'Not tried' };

export function NetworkSettings({ draft, problems, caFile, locked, change, onPickCaFile, onClearCaFile, onSettings, onTestConnection }: NetworkSettingsProps) {
  const name = useId();
  // The proxy is one decision (mode, URL, bypass): a lock on any part of it holds the whole group.
  const proxyLocked = locked('proxyMode') || locked('proxyUrl') || locked('proxyBypass');
  const caLocked = locked('caFile');
  const [caNote, setCaNote] = useState<string | null>(null);
  const [checks, setChecks] = useState<ConnectionCheck[] | null>(null);
  const [testing, setTesting] = useState(false);
  const [testError, setTestError] = useState<string | null>(null);

  const applyCa = async (call: () => Promise<IpcResult<SettingsView>>) => {
    const result = await call();
    if (!result.ok) return setCaNote(result.error.message);
    setCaNote(null);
    onSettings(result.value);
  };

  const test = async () => {
    if (testing) return;
    setTesting(true);
    setTestError(null);
    const result = await onTestConnection();
    setTesting(false);
    if (!result.ok) return setTestError(result.error.message);
    setChecks(result.value);
  };

  return (
    <fieldset>
      <legend>Network</legend>
      <div className="field" role="radiogroup" aria-label="Proxy" aria-describedby={proxyLocked ? 'proxy-locked-note' : undefined}>
        <span className="field-label">Proxy</span>
        {MODES.map((mode) => (
          <label key={mode.value} className="toggle">
            <input type="radio" name={name} value={mode.value} checked={draft.proxyMode === mode.value} disabled={proxyLocked} onChange={() => change('proxyMode', mode.value)} />
            <span>{mode.label}</span>
          </label>
        ))}
        {proxyLocked && (
          <p id="proxy-locked-note" className="field-hint">
            {LOCKED_NOTE}
          </p>
        )}
      </div>
      {draft.proxyMode === 'manual' && (
        <>
          <Field id="proxy-url" label="Proxy URL" problem={problems.proxyUrl}>
            <input
              id="proxy-url"
              spellCheck={false}
              className="mono"
              placeholder="http://proxy.example.org:3128"
              value={draft.proxyUrl}
              disabled={proxyLocked}
              onChange={(e) => change('proxyUrl', e.target.value)}
              aria-invalid={problems.proxyUrl !== undefined}
              aria-describedby={problems.proxyUrl !== undefined ? 'proxy-url-note' : undefined}
            />
          </Field>
          <Field id="proxy-bypass" label="Connect directly to (comma-separated hosts, e.g. *.hospital.local)">
            <input id="proxy-bypass" spellCheck={false} className="mono" value={draft.proxyBypass} disabled={proxyLocked} onChange={(e) => change('proxyBypass', e.target.value)} />
          </Field>
        </>
      )}
      <div className="field">
        <label htmlFor="ca-file">Custom CA certificate (PEM)</label>
        <div className="inline">
          <input id="ca-file" readOnly className="mono" value={caFile ?? ''} placeholder="None: the system's and Node's trusted authorities" aria-describedby="ca-file-note" aria-invalid={caNote !== null} />
          <button type="button" className="btn" disabled={caLocked} onClick={() => void applyCa(onPickCaFile)}>
            Choose file…
          </button>
          <button type="button" className="btn btn-ghost" disabled={caLocked || caFile === null} onClick={() => void applyCa(onClearCaFile)}>
            Remove certificate
          </button>
        </div>
        <p id="ca-file-note" className={caNote ? 'field-error' : 'field-hint'} aria-live="polite">
          {caNote ?? (caLocked ? LOCKED_NOTE : null) ?? 'Added to the authorities this computer trusts, for a server signed by your organisation.'}
        </p>
      </div>
      <div className="field">
        <div className="inline">
          <button type="button" className="btn" onClick={() => void test()} aria-describedby="connection-checks">
            {testing ? 'Testing…' : 'Test connection'}
          </button>
        </div>
        <div id="connection-checks" aria-live="polite">
          {testError && <p className="field-error">{testError}</p>}
          {checks && (
            <ul className="connection-checks" aria-label="Connection test">
              {checks.map((check) => (
                <li key={check.name} data-outcome={check.outcome}>
                  <strong>{check.name}</strong>: {OUTCOME_WORDS[check.outcome]}
                  {check.detail ? ` — ${check.detail}` : ''}
                </li>
              ))}
            </ul>
          )}
        </div>
        <p className="field-hint">Tests the server saved now, through the network settings saved now.</p>
      </div>
    </fieldset>
  );
}
