/**
 * Where the administrator's policy file lives on each OS, and reading it.
 * The app and the CLI read the same file.
 */
import { readFileSync } from 'node:fs';
import { join, win32 } from 'node:path';
import { parsePolicy, unreadablePolicy, type ManagedPolicy } from './managedPolicy';

/** `INTAKE_POLICY` wins (tests, unusual installs); else the OS's machine-wide place. */
export function policyFilePath(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string {
  const override = env.INTAKE_POLICY;
  if (override !== undefined && override !== '') return override;
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Intake', 'policy.json');
  if (platform === 'darwin') return join('/Library', 'Application Support', 'Intake', 'policy.json');
  return '/etc/intake/policy.json';
}

/** The policy in force; a missing file is no policy, an unreadable one is a problem (reported, safest reading). */
export function readPolicyFile(path: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): ManagedPolicy {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parsePolicy(null, null);
    return unreadablePolicy(path, `The policy file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  return parsePolicy(text, path);
}
