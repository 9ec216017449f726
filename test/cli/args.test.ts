import { describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_INTERVAL_MS, parseArgs } from '../../src/cli/args';

const server = 'http://127.0.0.1:9/api';

function usageError(argv: string[]): string {
  const result = parseArgs(argv);
  if (result.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  return result.message;
}

const direct = { proxy: null, noProxy: false, caFile: null };

describe('parseArgs', () => {
  it('parses a one-job upload with files after the flags', () => {
    const result = parseArgs(['upload', '--server', server, '--chart', 'A-1', 'a.pdf', 'b.pdf', '--json']);
    expect(result).toEqual({
      ok: true,
      command: { kind: 'upload', server, wsUrl: null, backend: null, chart: 'A-1', files: ['a.pdf', 'b.pdf'], jobsFile: null, token: null, stateDir: null, json: true, concurrency: null, allowInsecureHttp: false, network: direct, logFile: null },
    });
  });

  it('parses --flag=value, --jobs, --state-dir and the token from INTAKE_TOKEN', () => {
    const result = parseArgs(['upload', `--server=${server}`, '--jobs=jobs.json', '--state-dir', 'st'], { INTAKE_TOKEN: 'sekret' });
    expect(result).toEqual({
      ok: true,
      command: { kind: 'upload', server, wsUrl: null, backend: null, chart: null, files: [], jobsFile: 'jobs.json', token: 'sekret', stateDir: 'st', json: false, concurrency: null, allowInsecureHttp: false, network: direct, logFile: null },
    });
  });

  it('prefers INTAKE_TOKEN over --token (a command line shows in ps), and says so without the value', () => {
    const result = parseArgs(['resume', '--state-dir', 'st', '--token', 'flag-value'], { INTAKE_TOKEN: 'env' });
    expect(result.ok && result.command.kind === 'resume' && result.command.token).toBe('env');
    expect(result.ok && result.notice).toBe('INTAKE_TOKEN is set, so the --token value is not used; leave --token out (a command line is visible to other users in ps).');
  });

  it('--token alone still works, with a notice that recommends INTAKE_TOKEN; no notice without --token', () => {
    const flag = parseArgs(['resume', '--state-dir', 'st', '--token=flag-value'], {});
    expect(flag.ok && flag.command.kind === 'resume' && flag.command.token).toBe('flag-value');
    expect(flag.ok && flag.notice).toMatch(/visible to other users.*INTAKE_TOKEN/);
    expect(JSON.stringify(flag)).not.toMatch(/notice":"[^"]*flag-value/);
    expect(parseArgs(['resume', '--state-dir', 'st'], { INTAKE_TOKEN: 'env' })).not.toHaveProperty('notice');
  });

  it('treats everything after -- as files, even names that look like flags', () => {
    const result = parseArgs(['upload', '--server', server, '--chart', 'A', '--', '--weird.pdf']);
    expect(result.ok && result.command.kind === 'upload' && result.command.files).toEqual(['--weird.pdf']);
  });

  it('parses resume with an optional server and watch with its options', () => {
    expect(parseArgs(['resume', '--state-dir', 'st'])).toMatchObject({ ok: true, command: { kind: 'resume', stateDir: 'st', server: null } });
    expect(parseArgs(['resume', '--state-dir', 'st', '--concurrency', '4'])).toMatchObject({ command: { concurrency: 4 } });
    expect(parseArgs(['watch', 'in', '--server', server, '--chart-from', '^(\\d+)_', '--interval-ms', '50'])).toMatchObject({
      ok: true,
      command: { kind: 'watch', folder: 'in', chartFrom: '^(\\d+)_', intervalMs: 50 },
    });
    expect(parseArgs(['watch', 'in', '--server', server])).toMatchObject({ command: { intervalMs: DEFAULT_SCAN_INTERVAL_MS, chartFrom: null } });
  });

  it.each([
    [[], 'No command given.'],
    [['send'], 'Unknown command "send"'],
    [['upload', '--chart', 'A', 'a.pdf'], 'upload needs --server URL.'],
    [['upload', '--server', server, '--chart', 'A', '--bogus', 'a.pdf'], 'Unknown option --bogus.'],
    [['upload', '--server', server, '--chart'], '--chart needs a value.'],
    [['upload', '--server', '--json', '--chart', 'A', 'a.pdf'], '--server needs a value.'],
    [['upload', '--server', server, '--chart', 'A'], 'upload --chart needs at least one FILE.'],
    [['upload', '--server', server, 'a.pdf'], 'upload needs --chart N with files, or --jobs jobs.json.'],
    [['upload', '--server', server, '--chart', 'A', '--jobs', 'j.json', 'a.pdf'], 'not both'],
    [['upload', '--server', server, '--jobs', 'j.json', 'a.pdf'], 'unexpected argument "a.pdf"'],
    [['upload', '--server', server, '--chart', 'A', '--chart', 'B', 'a.pdf'], '--chart given more than once.'],
    [['upload', '--server', server, '--chart', 'A', '--json=yes', 'a.pdf'], '--json takes no value.'],
    [['upload', '--server', server, '--chart-from', 'x', '--chart', 'A', 'a.pdf'], '--chart-from is not an option of "upload".'],
    [['upload', '--server', 'ftp://x/api', '--chart', 'A', 'a.pdf'], '--server: Server URL must start with https://'],
    [['upload', '--server', 'http://example.org/api', '--chart', 'A', 'a.pdf'], '--server: Plain http:// is allowed only'],
    [['upload', '--server', server, '--server=', '--chart', 'A', 'a.pdf'], '--server needs a non-empty value.'],
    [['resume'], 'resume needs --state-dir DIR'],
    [['resume', '--state-dir', 'st', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 8 (got "0")'],
    [['resume', '--state-dir', 'st', '--concurrency', '9'], '--concurrency must be a whole number from 1 to 8'],
    [['resume', '--state-dir', 'st', 'x.pdf'], 'resume takes no file arguments'],
    [['watch', '--server', server], 'watch needs the folder to watch'],
    [['watch', 'a', 'b', '--server', server], 'watch takes one folder; unexpected argument "b"'],
    [['watch', 'a', '--server', server, '--chart-from', '(unclosed'], '--chart-from: Chart-number pattern is not a valid regular expression'],
    [['watch', 'a', '--server', server, '--interval-ms', '5'], '--interval-ms must be a whole number'],
    [['watch', 'a', '--server', server, '--interval-ms', '1.5'], '--interval-ms must be a whole number'],
  ])('%j is a usage error', (argv, expected) => {
    expect(usageError(argv as string[])).toContain(expected);
  });

  it('allows plain http to another host only with --allow-insecure-http', () => {
    expect(parseArgs(['upload', '--server', 'http://example.org/api', '--allow-insecure-http', '--chart', 'A', 'a.pdf']).ok).toBe(true);
  });

  it('never repeats a token value in a usage message', () => {
    const message = usageError(['upload', '--server', server, '--token', 'top-secret-value', '--token', 'top-secret-value', '--chart', 'A', 'a.pdf']);
    expect(message).toBe('--token given more than once.');
    expect(usageError(['upload', '--token', 'top-secret-value', '--chart', 'A', 'a.pdf'])).not.toContain('top-secret');
  });

  it('answers help for help, --help and -h anywhere', () => {
    for (const argv of [['help'], ['--help'], ['-h'], ['upload', '--help'], ['watch', '-h']]) {
      expect(parseArgs(argv)).toEqual({ ok: true, command: { kind: 'help' } });
    }
  });

  it('reads --proxy, --no-proxy and --ca-file, and never repeats a proxy password in an error', () => {
    const result = parseArgs(['upload', '--server', server, '--chart', 'A-1', 'a.pdf', '--proxy', 'http://u:p@proxy.example:3128', '--ca-file', 'ca.pem']);
    expect(result.ok && result.command.kind === 'upload' && result.command.network).toEqual({ proxy: 'http://u:p@proxy.example:3128', noProxy: false, caFile: 'ca.pem' });
    const noProxy = parseArgs(['resume', '--state-dir', 'st', '--no-proxy']);
    expect(noProxy.ok && noProxy.command.kind === 'resume' && noProxy.command.network.noProxy).toBe(true);
    expect(parseArgs(['resume', '--state-dir', 'st', '--no-proxy', '--proxy', 'http://p:1'])).toEqual({ ok: false, message: 'Give either --proxy or --no-proxy, not both.' });
    const bad = parseArgs(['resume', '--state-dir', 'st', '--proxy', 'ftp://u:secret@p:1']);
    expect(bad).toEqual({ ok: false, message: '--proxy: Proxy URL must start with http:// or https:// (got ftp:).' });
    expect(parseArgs(['resume', '--state-dir', 'st', '--proxy', 'http://proxy.example'])).toEqual({ ok: false, message: '--proxy: Proxy URL must name its port (example: http://proxy.example.org:3128).' });
  });
});

describe('--log-file', () => {
  it('is taken by every command that runs jobs or checks the network', () => {
    for (const argv of [
      ['upload', '--server', 'https://a.example/api', '--chart', 'A-1', '--log-file', 'intake.log', 'a.pdf'],
      ['resume', '--state-dir', 'st', '--log-file=intake.log'],
      ['watch', 'hot', '--server', 'https://a.example/api', '--log-file', 'intake.log'],
      ['doctor', '--server', 'https://a.example/api', '--log-file', 'intake.log'],
    ]) {
      const result = parseArgs(argv);
      expect(result.ok && result.command.kind !== 'help' && result.command.logFile, argv[0]).toBe('intake.log');
    }
    expect(parseArgs(['upload', '--server', 'https://a.example/api', '--chart', 'A-1', '--log-file'])).toEqual({ ok: false, message: '--log-file needs a value.' });
  });
});
