/**
 * Managed settings: an administrator's policy file presets and locks user
 * settings (validated with the very schema and rules user settings use) and
 * steers updates. Reading a policy never fails: every problem is listed for
 * the operator, the bad entry is left out, and a policy with any problem
 * also locks `allowInsecureHttp` off — the safest reading, never an unlocked
 * insecure one.
 */
import { z } from 'zod';
import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsPatch } from '../../shared/settings';
import { chartPatternProblem, proxyUrlProblem, serverUrlProblem, webSocketUrlProblem } from '../../shared/settingsProblems';
import { settingsFromStored } from '../desktop/settingsUpdate';

export type SettingKey = keyof Settings;

export interface UpdatePolicy {
  /** false: never check for updates. */
  enabled: boolean;
  /** A pinned channel (electron-updater's `latest`, `beta`, …); null = the app's own. */
  channel: string | null;
  /** A generic update feed (the folder holding latest-linux.yml); null = electron-builder.yml's publish URL. */
  feedUrl: string | null;
}

export interface ManagedPolicy {
  /** The file read; null when there is none. */
  source: string | null;
  /** Starting values (the user's own choice wins unless locked). */
  presets: Partial<Settings>;
  /** Settings the user cannot change: their value is the preset's, else the default. */
  locked: ReadonlySet<SettingKey>;
  updates: UpdatePolicy;
  /** What was wrong with the file, one sentence each, for the log and one notification. */
  problems: string[];
}

export const DEFAULT_UPDATE_POLICY: UpdatePolicy = { enabled: true, channel: null, feedUrl: null };

export const NO_POLICY: ManagedPolicy = { source: null, presets: {}, locked: new Set(), updates: DEFAULT_UPDATE_POLICY, problems: [] };

const SETTING_KEYS = Object.keys(settingsSchema.shape) as SettingKey[];
const TOP_LEVEL = new Set(['settings', 'locked', 'updates']);

const updatesSchema = z
  .object({
    enabled: z.boolean().optional(),
    channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a channel is a short lower-case name such as latest or beta').nullable().optional(),
    feedUrl: z.string().max(2048).nullable().optional(),
  })
  .strict();

/** Reads the text of a policy file (null = no file). Never throws. */
export function parsePolicy(text: string | null, source: string | null): ManagedPolicy {
  if (text === null) return NO_POLICY;
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return safestReading(source, {}, new Set(), DEFAULT_UPDATE_POLICY, [`The policy file is not valid JSON (${(error as Error).message}).`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return safestReading(source, {}, new Set(), DEFAULT_UPDATE_POLICY, ['The policy file must hold one JSON object with "settings", "locked" and "updates".']);
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!TOP_LEVEL.has(key)) problems.push(`The policy has an unknown entry "${key}" (expected settings, locked, updates).`);
  const presets = readPresets(record.settings, problems);
  const locked = readLocks(record.locked, problems);
  const updates = readUpdates(record.updates, problems);
  return problems.length > 0 ? safestReading(source, presets, locked, updates, problems) : { source, presets, locked, updates, problems };
}

/** A policy file that exists but cannot be read: nothing from it, plain HTTP locked off. */
export function unreadablePolicy(source: string, problem: string): ManagedPolicy {
  return safestReading(source, {}, new Set(), DEFAULT_UPDATE_POLICY, [problem]);
}

/** Any doubt about the file: plain HTTP to other computers is locked off, whatever else it says. */
function safestReading(source: string | null, presets: Partial<Settings>, locked: Set<SettingKey>, updates: UpdatePolicy, problems: string[]): ManagedPolicy {
  return { source, presets: { ...presets, allowInsecureHttp: false }, locked: new Set([...locked, 'allowInsecureHttp']), updates, problems };
}

function readPresets(value: unknown, problems: string[]): Partial<Settings> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('The policy\'s "settings" must be an object of setting names and values.');
    return {};
  }
  const presets: Record<string, unknown> = {};
  const shape = settingsSchema.shape as Record<string, z.ZodType>;
  for (const [key, entry] of Object.entries(value)) {
    const field = shape[key];
    if (!field) {
      problems.push(`The policy presets an unknown setting "${key}".`);
      continue;
    }
    const parsed = field.safeParse(entry);
    const problem = parsed.success ? presetProblem(key as SettingKey, parsed.data) : (parsed.error.issues[0]?.message ?? 'invalid value');
    if (problem !== null) problems.push(`The policy's value for "${key}" is not used: ${problem}`);
    else presets[key] = parsed.data;
  }
  return presets as Partial<Settings>;
}

/** The rules user settings follow, with insecure HTTP never allowed (a policy can only lock it off). */
function presetProblem(key: SettingKey, value: unknown): string | null {
  if (key === 'allowInsecureHttp' && value === true) return 'a policy can only turn plain HTTP off.';
  if (typeof value !== 'string') return null;
  if (key === 'serverUrl') return serverUrlProblem(value, false);
  if (key === 'webSocketUrl') return webSocketUrlProblem(value, false);
  if (key === 'proxyUrl') return proxyUrlProblem(value);
  if (key === 'chartNumberPattern') return chartPatternProblem(value);
  return null;
}

function readLocks(value: unknown, problems: string[]): Set<SettingKey> {
  const locked = new Set<SettingKey>();
  if (value === undefined) return locked;
  if (!Array.isArray(value)) {
    problems.push('The policy\'s "locked" must be a list of setting names.');
    return locked;
  }
  for (const key of value) {
    if (typeof key === 'string' && (SETTING_KEYS as string[]).includes(key)) locked.add(key as SettingKey);
    else problems.push(`The policy locks an unknown setting ${JSON.stringify(key)}.`);
  }
  return locked;
}

function readUpdates(value: unknown, problems: string[]): UpdatePolicy {
  if (value === undefined) return DEFAULT_UPDATE_POLICY;
  const parsed = updatesSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    problems.push(`The policy's "updates" is not used: ${issue?.path.join('.') || 'updates'}: ${issue?.message ?? 'invalid'}.`);
    return DEFAULT_UPDATE_POLICY;
  }
  const feedUrl = parsed.data.feedUrl ?? null;
  const feedProblem = feedUrl === null ? null : serverUrlProblem(feedUrl, false);
  if (feedProblem !== null) problems.push(`The policy's update feed is not used: ${feedProblem.replace('Server URL', 'The feed URL')}`);
  return {
    enabled: parsed.data.enabled ?? true,
    channel: parsed.data.channel ?? null,
    feedUrl: feedProblem === null ? feedUrl : null,
  };
}

/** One message for the log and a notification when the policy file had problems; null when it had none. */
export function policyReport(policy: ManagedPolicy): string | null {
  if (policy.problems.length === 0) return null;
  return `The administrator's policy ${policy.source ?? ''} has problems; Intake uses the safest reading of it (plain HTTP is off). ${policy.problems.join(' ')}`;
}

/** Where the user's choice starts: the defaults with the policy's presets over them. */
export function presetDefaults(policy: ManagedPolicy): Settings {
  return { ...DEFAULT_SETTINGS, ...policy.presets };
}

/** The settings in force: locked ones take the policy's value (else the default), then the usual safety checks. */
export function enforcePolicy(settings: Settings, policy: ManagedPolicy): Settings {
  const forced: Record<string, unknown> = { ...settings };
  const defaults = presetDefaults(policy);
  for (const key of policy.locked) forced[key] = defaults[key];
  // A remote plain-http server the user allowed is dropped once the policy locks plain HTTP off.
  return settingsFromStored(forced, defaults);
}

/** Why this change is refused (it touches a locked setting), or null. The message names the setting. */
export function lockedChangeProblem(policy: ManagedPolicy, current: Settings, patch: SettingsPatch): string | null {
  for (const key of Object.keys(patch) as SettingKey[]) {
    if (!policy.locked.has(key)) continue;
    const next = key === 'hotFolder' ? { ...current.hotFolder, ...patch.hotFolder } : patch[key];
    if (JSON.stringify(next) === JSON.stringify(current[key])) continue;
    return lockedSettingProblem(policy, key);
  }
  return null;
}

/** Why this setting cannot be changed at all (a locked one), or null. */
export function lockedSettingProblem(policy: ManagedPolicy, key: SettingKey): string | null {
  if (!policy.locked.has(key)) return null;
  return `"${key}" is set by your administrator and cannot be changed here${policy.source ? ` (policy ${policy.source})` : ''}.`;
}
