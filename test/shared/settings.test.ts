import { describe, expect, it } from 'vitest';
import { chartPatternProblem, proxyUrlProblem, serverUrlProblem, webSocketUrlProblem } from '../../src/shared/settingsProblems';

describe('serverUrlProblem', () => {
  it.each([
    ['https://ai.example.org/api', false],
    ['http://localhost:8080/api', false],
    ['http://127.0.0.1/api', false],
    ['http://[::1]:9/api', false],
    ['http://ai.example.org/api', true],
  ])('accepts %s (insecure allowed: %s)', (url, allowInsecureHttp) => {
    expect(serverUrlProblem(url, allowInsecureHttp)).toBeNull();
  });

  it.each([
    ['ai.example.org/api', 'Server URL is not a valid URL (example: https://ai.example.org/api).'],
    ['wss://ai.example.org/api', 'Server URL must start with https:// (got wss:).'],
    ['https://me@ai.example.org/api', 'Server URL must not contain a user name or password; use the token field.'],
    ['https://:secret@ai.example.org/api', 'Server URL must not contain a user name or password; use the token field.'],
    ['http://ai.example.org/api', 'Plain http:// is allowed only for this computer (localhost). Use https://, or explicitly allow insecure HTTP.'],
    ['http://127.0.0.2/api', 'Plain http:// is allowed only for this computer (localhost). Use https://, or explicitly allow insecure HTTP.'],
  ])('refuses %s with a message that says what to change', (url, message) => {
    expect(serverUrlProblem(url, false)).toBe(message);
  });

  it('credentials are refused even when insecure HTTP is allowed, a user name alone too', () => {
    expect(serverUrlProblem('http://me:pw@ai.example.org/api', true)).toContain('user name or password');
    expect(webSocketUrlProblem('wss://me@ai.example.org/ws', false)).toBe('WebSocket URL must not contain a user name or password; use the token field.');
    expect(webSocketUrlProblem('wss://:pw@ai.example.org/ws', false)).toBe('WebSocket URL must not contain a user name or password; use the token field.');
  });
});

describe('proxyUrlProblem', () => {
  // The scheme's own port written out (http://…:80) names the port too, though URL drops it.
  it.each([
    'http://proxy.example.org:3128',
    'https://proxy.example.org:443/',
    'http://proxy.example.org:80',
    ' http://proxy.example.org:80 ',
    'http://u:pw@proxy.example.org:80',
    'http://[::1]:80',
    'http://user:pw@[::1]:8080',
  ])('accepts %s', (url) => {
    expect(proxyUrlProblem(url)).toBeNull();
  });

  it.each([
    ['http://proxy:port', 'Proxy is not a valid URL (example: http://proxy.example.org:3128).'],
    ['socks5://proxy:1080', 'Proxy URL must start with http:// or https:// (got socks5:).'],
    ['http://proxy.example.org', 'Proxy URL must name its port (example: http://proxy.example.org:3128).'],
    ['http://proxy.example.org:/', 'Proxy URL must name its port (example: http://proxy.example.org:3128).'],
    ['http://user:80@proxy.example.org', 'Proxy URL must name its port (example: http://proxy.example.org:3128).'],
    ['http://proxy.example.org/a:80', 'Proxy URL must name its port (example: http://proxy.example.org:3128).'],
    ['http://proxy:3128/path', 'Proxy URL must end after the port.'],
    ['http://proxy:3128?x=1', 'Proxy URL must end after the port.'],
    ['http://proxy:3128#frag', 'Proxy URL must end after the port.'],
  ])('refuses %s', (url, message) => {
    expect(proxyUrlProblem(url)).toBe(message);
  });
});

describe('chartPatternProblem', () => {
  it('accepts a pattern that compiles and names the regex error otherwise', () => {
    expect(chartPatternProblem('^(\\d+)_')).toBeNull();
    expect(chartPatternProblem('([a-z')).toMatch(/^Chart-number pattern is not a valid regular expression: Invalid regular expression: .+/);
  });
});
