/**
 * "Save diagnostics…": one text file an operator can send to support —
 * versions, settings without secrets, the policy in force, connection and
 * queue statistics, the last log lines. Built here from plain values so it
 * is tested in Node; everything passes through the log redaction, and the
 * chart numbers and file names of the jobs it counts, and the token, are
 * scrubbed from the whole text however they got in.
 */
import type { ConnectionState } from '../../shared/connectionState';
import type { QueueJob, Stage } from '../../shared/queueJob';
import type { Settings } from '../../shared/settings';
import { redactText } from '../logging/logRedaction';
import type { ManagedPolicy } from '../policy/managedPolicy';
import { isBuiltInDialect } from '../dialect/backendChoice';

export interface DiagnosticsInput {
  at: Date;
  versions: Record<string, string>;
  os: { platform: string; release: string; arch: string };
  settings: Settings;
  hasToken: boolean;
  /** Known only to be scrubbed: never written. */
  token: string | null;
  policy: ManagedPolicy;
  server: { demo: boolean };
  connection: ConnectionState;
  jobs: readonly QueueJob[];
  paused: boolean;
  logLines: readonly string[];
}

export function diagnosticsReport(input: DiagnosticsInput): string {
  const sections: Array<[string, unknown]> = [
    ['Intake diagnostics', { created: input.at.toISOString() }],
    ['Versions', input.versions],
    ['Operating system', input.os],
    ['Settings (without secrets)', safeSettings(input.settings, input.hasToken)],
    ['Policy in force', policySummary(input.policy)],
    ['Connection', { state: input.connection.state, reason: input.connection.reason, demoServer: input.server.demo }],
    ['Queue', queueStatistics(input.jobs, input.paused)],
  ];
  const body = sections.map(([title, value]) => `## ${title}\n${JSON.stringify(value, null, 2)}\n`).join('\n');
  const text = `${body}\n## Last log lines\n${input.logLines.join('\n')}\n`;
  const known = [
    ...(input.token ? [input.token] : []),
    ...input.jobs.flatMap((job) => [job.chartNumber, ...job.files.flatMap((file) => [file.name, file.path])]),
  ];
  return redactText(text, known);
}

/** Paths the user chose (hot folder, CA file, dialect file) are said to be set, not shown: a folder name can name a patient. */
function safeSettings(settings: Settings, hasToken: boolean): Record<string, unknown> {
  return {
    ...settings,
    hotFolder: { enabled: settings.hotFolder.enabled, path: settings.hotFolder.path === null ? null : '(set)' },
    caFile: settings.caFile === null ? null : '(set)',
    // A built-in dialect's name says what support needs; a custom file's path is only said to be one.
    backend: isBuiltInDialect(settings.backend) ? settings.backend : '(custom dialect file)',
    token: hasToken ? '(set)' : '(none)',
  };
}

function policySummary(policy: ManagedPolicy): Record<string, unknown> {
  return {
    file: policy.source,
    presets: Object.keys(policy.presets),
    locked: [...policy.locked],
    updates: policy.updates,
    problems: policy.problems,
  };
}

function queueStatistics(jobs: readonly QueueJob[], paused: boolean): Record<string, unknown> {
  const byStage: Partial<Record<Stage, number>> = {};
  let files = 0;
  let bytes = 0;
  let uploadAttempts = 0;
  for (const job of jobs) {
    byStage[job.stage] = (byStage[job.stage] ?? 0) + 1;
    files += job.files.length;
    bytes += job.files.reduce((sum, file) => sum + file.size, 0);
    uploadAttempts += job.uploadAttempts;
  }
  return { jobs: jobs.length, byStage, files, bytes, uploadAttempts, paused };
}
