/**
 * The settings form's draft (strings, as typed) and its conversion to a patch.
 * Validation reuses the shared rules so the form says exactly what main would.
 */
import type { SettingsView } from '../../shared/ipc';
import { deriveWebSocketUrl } from '../../shared/serverUrl';
import type { SettingsPatch } from '../../shared/settings';
import { chartPatternProblem, proxyUrlProblem, serverUrlProblem, webSocketUrlProblem } from '../../shared/settingsProblems';

export interface SettingsDraft {
  serverUrl: string;
  webSocketUrl: string;
  allowInsecureHttp: boolean;
  uploadConcurrency: string;
  notifications: boolean;
  chartNumbersInNotifications: boolean;
  startAtLogin: boolean;
  chartNumberPattern: string;
  hotFolderPath: string;
  hotFolderEnabled: boolean;
  historySize: string;
  proxyMode: 'system' | 'none' | 'manual';
  proxyUrl: string;
  proxyBypass: string;
}

export type DraftProblems = Partial<Record<keyof SettingsDraft, string>>;

export function draftFrom(view: SettingsView): SettingsDraft {
  return {
    serverUrl: view.serverUrl ?? '',
    webSocketUrl: view.webSocketUrl ?? '',
    allowInsecureHttp: view.allowInsecureHttp,
    uploadConcurrency: String(view.uploadConcurrency),
    notifications: view.notifications,
    chartNumbersInNotifications: view.chartNumbersInNotifications,
    startAtLogin: view.startAtLogin,
    chartNumberPattern: view.chartNumberPattern ?? '',
    hotFolderPath: view.hotFolder.path ?? '',
    hotFolderEnabled: view.hotFolder.enabled,
    historySize: String(view.historySize),
    proxyMode: view.proxyMode,
    proxyUrl: view.proxyUrl ?? '',
    proxyBypass: view.proxyBypass,
  };
}

function integerProblem(value: string, min: number, max: number, what: string): string | null {
  if (!/^\d+$/.test(value.trim())) return `${what} must be a whole number.`;
  const n = Number(value);
  return n < min || n > max ? `${what} must be between ${min} and ${max}.` : null;
}

export function draftProblems(draft: SettingsDraft): DraftProblems {
  const problems: DraftProblems = {};
  const url = draft.serverUrl.trim();
  const urlProblem = url === '' ? null : serverUrlProblem(url, draft.allowInsecureHttp);
  if (urlProblem) problems.serverUrl = urlProblem;
  const wsUrl = draft.webSocketUrl.trim();
  const wsUrlProblem = wsUrl === '' ? null : webSocketUrlProblem(wsUrl, draft.allowInsecureHttp);
  if (wsUrlProblem) problems.webSocketUrl = wsUrlProblem;
  const concurrency = integerProblem(draft.uploadConcurrency, 1, 8, 'Uploads at once');
  if (concurrency) problems.uploadConcurrency = concurrency;
  const history = integerProblem(draft.historySize, 10, 100_000, 'History size');
  if (history) problems.historySize = history;
  const pattern = draft.chartNumberPattern === '' ? null : chartPatternProblem(draft.chartNumberPattern);
  if (pattern) problems.chartNumberPattern = pattern;
  if (draft.proxyMode === 'manual') {
    const proxy = draft.proxyUrl.trim();
    const proxyProblem = proxy === '' ? 'Enter the proxy (example: http://proxy.example.org:3128), or choose System or None.' : proxyUrlProblem(proxy);
    if (proxyProblem) problems.proxyUrl = proxyProblem;
  }
  if (draft.hotFolderEnabled && draft.hotFolderPath.trim() === '') problems.hotFolderPath = 'Choose the folder to watch, or turn the hot folder off.';
  return problems;
}

/** Only what changed, so saving one field cannot overwrite another changed elsewhere. */
export function patchFrom(view: SettingsView, draft: SettingsDraft): SettingsPatch {
  const patch: SettingsPatch = {};
  const serverUrl = draft.serverUrl.trim() === '' ? null : draft.serverUrl.trim();
  if (serverUrl !== view.serverUrl) patch.serverUrl = serverUrl;
  const webSocketUrl = draft.webSocketUrl.trim() === '' ? null : draft.webSocketUrl.trim();
  if (webSocketUrl !== view.webSocketUrl) patch.webSocketUrl = webSocketUrl;
  if (draft.allowInsecureHttp !== view.allowInsecureHttp) patch.allowInsecureHttp = draft.allowInsecureHttp;
  if (Number(draft.uploadConcurrency) !== view.uploadConcurrency) patch.uploadConcurrency = Number(draft.uploadConcurrency);
  if (draft.notifications !== view.notifications) patch.notifications = draft.notifications;
  if (draft.chartNumbersInNotifications !== view.chartNumbersInNotifications) patch.chartNumbersInNotifications = draft.chartNumbersInNotifications;
  if (draft.startAtLogin !== view.startAtLogin) patch.startAtLogin = draft.startAtLogin;
  const pattern = draft.chartNumberPattern === '' ? null : draft.chartNumberPattern;
  if (pattern !== view.chartNumberPattern) patch.chartNumberPattern = pattern;
  const hotPath = draft.hotFolderPath.trim() === '' ? null : draft.hotFolderPath.trim();
  if (hotPath !== view.hotFolder.path || draft.hotFolderEnabled !== view.hotFolder.enabled) {
    patch.hotFolder = { path: hotPath, enabled: draft.hotFolderEnabled };
  }
  if (Number(draft.historySize) !== view.historySize) patch.historySize = Number(draft.historySize);
  if (draft.proxyMode !== view.proxyMode) patch.proxyMode = draft.proxyMode;
  const proxyUrl = draft.proxyUrl.trim() === '' ? null : draft.proxyUrl.trim();
  if (proxyUrl !== view.proxyUrl) patch.proxyUrl = proxyUrl;
  if (draft.proxyBypass.trim() !== view.proxyBypass) patch.proxyBypass = draft.proxyBypass.trim();
  return patch;
}

/** What an empty WebSocket URL field means: the URL derived from the server URL as typed (an example until that is usable). */
export function derivedWebSocketUrl(serverUrl: string): string {
  const url = serverUrl.trim();
  // Derived whatever the insecure-HTTP switch says: the server URL field shows its own error.
  if (url === '' || serverUrlProblem(url, true) !== null) return 'wss://ai.example.org/api/ws';
  return deriveWebSocketUrl(url);
}

/** What a setting an administrator's policy locked says instead of its hint. */
export const LOCKED_NOTE = 'Set by your administrator.';
