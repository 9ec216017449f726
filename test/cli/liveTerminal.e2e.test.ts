// The live display on a real terminal: the CLI runs under `script`, which gives it a pseudo-terminal.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePdf } from './documents';
import { startTestServer } from './testServer';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'intake-cli-tty-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runInTerminal(args: string[]): Promise<{ code: number; output: string }> {
  const command = [process.execPath, '--import', 'tsx', path.join(repo, 'src/cli/index.ts'), ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repo, env: { ...process.env, COLUMNS: '100' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 60 s:\n${output}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

describe('intake on a terminal', () => {
  it('redraws one line per active job in place and leaves a clean screen with the results', async () => {
    const server = await startTestServer({ phaseMs: 150 });
    const a = await writePdf(path.join(dir, 'a.pdf'));
    const { code, output } = await runInTerminal(['upload', '--server', server.url, '--chart', 'L-1', a]);
    expect(code).toBe(0);
    // Each redraw hides the cursor, and shows it again: never left hidden.
    const hides = output.split('\x1b[?25l').length - 1;
    expect(hides).toBeGreaterThan(2);
    expect(output.split('\x1b[?25h').length - 1).toBe(hides);
    // The job's live line moved through the phases in place (cursor up + clear line)…
    const visible = output.replaceAll('\x1b', '<ESC>');
    expect(visible).toMatch(/<ESC>\[\d+F/);
    expect(visible).toMatch(/<ESC>\[2K {2}L-1 {2}(Processing|OCR started|OCR done|AI analysis|AI done|Saving)/);
    // …and the permanent lines and summary are there.
    expect(output).toMatch(/completed {2}L-1 {2}server job /);
    expect(output).toMatch(/1 job: 1 completed\r?\n$/);
  });
});
