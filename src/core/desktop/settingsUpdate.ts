/**
 * Applying a settings change from the UI: every rule that makes a value
 * unusable is checked here, before anything is stored or switched, so a bad
 * patch changes nothing and says exactly why.
 */
import { settingsSchema, type Settings, type SettingsPatch } from '../../shared/settings';
import { chartPatternProblem, proxyUrlProblem, serverUrlProblem, webSocketUrlProblem } from '../../shared/settingsProblems';
import { withoutTrailingSlashes } from '../../shared/serverUrl';

export type SettingsUpdate =
  | { ok: true; settings: Settings; changed: Array<keyof Settings> }
  | { ok: false; message: string };

export function applySettingsPatch(current: Settings, patch: SettingsPatch): SettingsUpdate {
  const next: Settings = { ...current, ...patch, hotFolder: { ...current.hotFolder, ...(patch.hotFolder ?? {}) } };
  if (typeof next.serverUrl === 'string') {
    const trimmed = withoutTrailingSlashes(next.serverUrl.trim());
    next.serverUrl = trimmed.length > 0 ? trimmed : null;
  }
  if (typeof next.webSocketUrl === 'string') {
    const trimmed = next.webSocketUrl.trim();
    next.webSocketUrl = trimmed.length > 0 ? trimmed : null;
  }
  if (typeof next.proxyUrl === 'string') next.proxyUrl = next.proxyUrl.trim() || null;
  if (next.proxyMode === 'manual' && next.proxyUrl === null) return { ok: false, message: 'A manual proxy needs its URL (example: http://proxy.example.org:3128).' };
  if (next.proxyUrl !== null) {
    const problem = proxyUrlProblem(next.proxyUrl);
    if (problem) return { ok: false, message: problem };
    if (new URL(next.proxyUrl).username !== '') return { ok: false, message: 'Proxy URL must not contain a user name or password; Intake asks for them when the proxy wants them.' };
  }
  // The URL is re-checked even when only allowInsecureHttp changed: turning
  // that off must not leave a plain-http remote server in use.
  if (next.serverUrl !== null) {
    const problem = serverUrlProblem(next.serverUrl, next.allowInsecureHttp);
    if (problem) return { ok: false, message: problem };
  }
  // Checked even while the demo server is in use (where it is ignored): it is in effect once a server is set.
  if (next.webSocketUrl !== null) {
    const problem = webSocketUrlProblem(next.webSocketUrl, next.allowInsecureHttp);
    if (problem) return { ok: false, message: problem };
  }
  if (next.chartNumberPattern !== null) {
    const problem = chartPatternProblem(next.chartNumberPattern);
    if (problem) return { ok: false, message: problem };
  }
  if (next.hotFolder.enabled && !next.hotFolder.path) {
    return { ok: false, message: 'Choose a hot folder before turning it on.' };
  }
  const parsed = settingsSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `Setting ${issue?.path.join('.') || '(root)'} is invalid: ${issue?.message ?? 'unknown problem'}.` };
  }
  const changed = (Object.keys(next) as Array<keyof Settings>).filter(
    (key) => JSON.stringify(next[key]) !== JSON.stringify(current[key]),
  );
  return { ok: true, settings: parsed.data, changed };
}

/** Stored settings from an older version or edited by hand: keep what is valid, default the rest. */
export function settingsFromStored(stored: unknown, defaults: Settings): Settings {
  if (typeof stored !== 'object' || stored === null) return defaults;
  const result: Record<string, unknown> = { ...defaults };
  const shape = settingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;
  for (const [key, value] of Object.entries(stored)) {
    const field = shape[key];
    if (!field) continue;
    const parsed = field.safeParse(value);
    if (parsed.success) result[key] = parsed.data;
  }
  const settings = result as Settings;
  // A hand-edited file must not smuggle in what the settings form refuses (plain http to a remote host).
  if (settings.serverUrl !== null && serverUrlProblem(settings.serverUrl, settings.allowInsecureHttp)) settings.serverUrl = null;
  if (settings.webSocketUrl !== null && webSocketUrlProblem(settings.webSocketUrl, settings.allowInsecureHttp)) settings.webSocketUrl = null;
  return settings;
}
