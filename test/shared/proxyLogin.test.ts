/**
 * The proxy sign-in dialog's answer, as main checks it before it becomes a
 * Basic auth header: whatever the dialog's page sends, only a user name and a
 * password of sane length pass, each problem with its own words.
 */
import { describe, expect, it } from 'vitest';
import { proxyLoginAnswerProblem } from '../../src/shared/proxyLogin';

const BOTH = 'Enter the user name and password for the proxy.';

describe('proxyLoginAnswerProblem', () => {
  it('accepts a user name and password, an empty password included (some proxies use none)', () => {
    expect(proxyLoginAnswerProblem({ username: 'nurse.a', password: 's3cret' })).toBeNull();
    expect(proxyLoginAnswerProblem({ username: 'nurse.a', password: '' })).toBeNull();
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', 'nurse.a:s3cret'],
    ['a number', 42],
    ['no password', { username: 'nurse.a' }],
    ['no user name', { password: 's3cret' }],
    ['a user name that is not text', { username: 7, password: 's3cret' }],
    ['a password that is not text', { username: 'nurse.a', password: ['s3cret'] }],
    ['a field more than asked for', { username: 'nurse.a', password: 's3cret', domain: 'WARD' }],
  ])('refuses %s, asking for both', (_name, value) => {
    expect(proxyLoginAnswerProblem(value)).toBe(BOTH);
  });

  it('refuses a blank user name, asking for it alone', () => {
    expect(proxyLoginAnswerProblem({ username: '', password: 's3cret' })).toBe('Enter the user name for the proxy.');
    expect(proxyLoginAnswerProblem({ username: ' \t', password: 's3cret' })).toBe('Enter the user name for the proxy.');
    expect(proxyLoginAnswerProblem({ username: ' x ', password: 's3cret' })).toBeNull();
  });

  it('refuses a colon in the user name (Basic auth would split it there); a colon in the password is fine', () => {
    expect(proxyLoginAnswerProblem({ username: 'ward:a', password: 'x' })).toBe('A proxy user name cannot contain ":".');
    expect(proxyLoginAnswerProblem({ username: 'ward.a', password: 'x:y' })).toBeNull();
  });

  it('takes a user name up to 256 characters and a password up to 1,024, and no more', () => {
    const long = 'The user name or password is too long.';
    expect(proxyLoginAnswerProblem({ username: 'u'.repeat(256), password: 'p'.repeat(1024) })).toBeNull();
    expect(proxyLoginAnswerProblem({ username: 'u'.repeat(257), password: 'p' })).toBe(long);
    expect(proxyLoginAnswerProblem({ username: 'u', password: 'p'.repeat(1025) })).toBe(long);
  });
});
