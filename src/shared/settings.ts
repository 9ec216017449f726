/** User settings: one schema for main (validation, storage); the window's forms use its types and settingsProblems.ts. */
import { z } from 'zod';
import type { BuiltInDialect } from './dialect';

export const settingsSchema = z.object({
  /** REST base of the backend; null = the bundled demo server. */
  serverUrl: z.string().max(2048).nullable(),
  /** WebSocket URL when it is not the one derived from serverUrl; null = derived. Ignored with the demo server. */
  webSocketUrl: z.string().max(2048).nullable(),
  /** Plain http/ws to a non-loopback host, only when the user explicitly says so. */
  allowInsecureHttp: z.boolean(),
  uploadConcurrency: z.number().int().min(1).max(8),
  notifications: z.boolean(),
  chartNumbersInNotifications: z.boolean(),
  startAtLogin: z.boolean(),
  /** Regex over file names whose first capture group (or whole match) pre-fills the chart number. */
  chartNumberPattern: z.string().max(500).nullable(),
  hotFolder: z.object({ path: z.string().max(4096).nullable(), enabled: z.boolean() }),
  historySize: z.number().int().min(10).max(100_000),
  /** Store the token unencrypted where the OS offers no encryption (explicit opt-in). */
  allowPlaintextToken: z.boolean(),
  /** Settings → Network: the OS/PAC decision per URL (Electron's resolveProxy), direct, or one proxy. */
  proxyMode: z.enum(['system', 'none', 'manual']),
  /** Manual: http://host:port (no credentials here: those go to the main-owned dialog and safeStorage). */
  proxyUrl: z.string().max(2048).nullable(),
  /** Manual: hosts that go direct, comma-separated (host, .domain, host:port, *). */
  proxyBypass: z.string().max(4096),
  /** A certificate authority (PEM file) trusted besides the OS store and Node's roots; null = none. */
  caFile: z.string().max(4096).nullable(),
  /**
   * Settings → Server → Backend type: a built-in dialect's name, or the path of a custom dialect file
   * (chosen in main's file dialog only). The demo server always speaks `intake`.
   */
  backend: z.string().min(1).max(4096),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: null,
  webSocketUrl: null,
  allowInsecureHttp: false,
  uploadConcurrency: 2,
  notifications: true,
  chartNumbersInNotifications: false,
  startAtLogin: false,
  chartNumberPattern: null,
  hotFolder: { path: null, enabled: false },
  historySize: 1000,
  allowPlaintextToken: false,
  proxyMode: 'system',
  proxyUrl: null,
  proxyBypass: '',
  caFile: null,
  backend: 'intake' satisfies BuiltInDialect,
};
