/**
 * The administrator's policy (the file the app reads) applied to a command
 * line: presets fill what the command line leaves out, locks refuse a flag
 * that says otherwise, with the reason. The policy's rules are core's
 * (managedPolicy.ts); this only maps settings onto flags.
 */
import { lockedSettingProblem, type ManagedPolicy, type SettingKey } from '../core/policy/managedPolicy';
import type { ArgPresets, Command, ParseResult } from './args';

export function argPresets(policy: ManagedPolicy): ArgPresets {
  const server = policy.presets.serverUrl;
  return server == null ? {} : { server };
}

/** The command with the policy in force, or why the command line contradicts a locked setting. */
export function applyPolicy(command: Command, policy: ManagedPolicy): ParseResult {
  if (command.kind === 'help') return { ok: true, command };
  const { presets } = policy;
  const refuse = (key: SettingKey, flag: string): ParseResult => ({ ok: false, message: `${flag}: ${lockedSettingProblem(policy, key)}` });
  const differs = (key: SettingKey, given: unknown) => policy.locked.has(key) && given !== (presets[key] ?? null);
  if (command.server !== null && differs('serverUrl', command.server)) return refuse('serverUrl', '--server');
  if (command.wsUrl !== null && differs('webSocketUrl', command.wsUrl)) return refuse('webSocketUrl', '--ws-url');
  if (command.allowInsecureHttp && policy.locked.has('allowInsecureHttp')) return refuse('allowInsecureHttp', '--allow-insecure-http');
  if (command.concurrency !== null && differs('uploadConcurrency', command.concurrency)) return refuse('uploadConcurrency', '--concurrency');
  const proxyLocked = policy.locked.has('proxyMode') || policy.locked.has('proxyUrl');
  if (proxyLocked && (command.network.proxy !== null || command.network.noProxy)) return refuse(policy.locked.has('proxyMode') ? 'proxyMode' : 'proxyUrl', command.network.noProxy ? '--no-proxy' : '--proxy');
  if (command.network.caFile !== null && differs('caFile', command.network.caFile)) return refuse('caFile', '--ca-file');
  const network = { ...command.network };
  if (network.proxy === null && !network.noProxy) {
    if (presets.proxyMode === 'manual' && presets.proxyUrl) network.proxy = presets.proxyUrl;
    if (presets.proxyMode === 'none') network.noProxy = true;
  }
  if (network.caFile === null && presets.caFile) network.caFile = presets.caFile;
  const wsUrl = command.wsUrl ?? (command.server === (presets.serverUrl ?? null) ? (presets.webSocketUrl ?? null) : null);
  const concurrency = command.concurrency ?? presets.uploadConcurrency ?? null;
  return { ok: true, command: { ...command, wsUrl, concurrency, network } };
}
