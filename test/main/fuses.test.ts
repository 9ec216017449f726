/**
 * The Electron fuses the installers are packaged with (electron-builder.yml
 * `electronFuses`): the ones Intake does not need stay off. Read as text: the
 * section is flat `key: value` lines.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function fuses(): Record<string, string> {
  const text = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
  const section = text.split(/^electronFuses:\s*$/m)[1];
  if (section === undefined) throw new Error('electron-builder.yml has no electronFuses section');
  const result: Record<string, string> = {};
  for (const line of section.split('\n').slice(1)) {
    const match = /^\s+(\w+):\s*(\S+)/.exec(line);
    if (!match) break; // the next top-level key ends the section
    result[match[1]!] = match[2]!;
  }
  return result;
}

describe('electron fuses', () => {
  it('turn off what Intake does not need', () => {
    expect(fuses()).toMatchObject({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
      grantFileProtocolExtraPrivileges: 'false',
    });
  });
});
