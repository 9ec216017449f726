import { describe, expect, it } from 'vitest';
import { IPC_CALL_NAMES, IPC_EVENT_NAMES, ipcCalls, ipcChannel } from '../../src/shared/ipc';

describe('the IPC bridge declaration', () => {
  it('every call and event travels on its own intake: channel', () => {
    const channels = [...IPC_CALL_NAMES, ...IPC_EVENT_NAMES].map(ipcChannel);
    expect(channels).toContain('intake:enqueue');
    expect(channels).toContain('intake:jobs');
    expect(new Set(channels).size).toBe(channels.length);
    for (const channel of channels) expect(channel).toMatch(/^intake:[a-zA-Z]+$/);
  });

  it('refuses what main must never act on: empty or huge ids, empty file lists, extra fields, tokens with spaces', () => {
    expect(ipcCalls.cancel.input.safeParse('job-1').success).toBe(true);
    expect(ipcCalls.cancel.input.safeParse('').success).toBe(false);
    expect(ipcCalls.cancel.input.safeParse('x'.repeat(101)).success).toBe(false);
    expect(ipcCalls.enqueue.input.safeParse({ chartNumber: 'A1', files: [] }).success).toBe(false);
    expect(ipcCalls.enqueue.input.safeParse({ chartNumber: 'A1', files: ['/a.pdf'], extra: 1 }).success).toBe(false);
    expect(ipcCalls.inspectFiles.input.safeParse(['']).success).toBe(false);
    expect(ipcCalls.pickFiles.input.safeParse(undefined).success).toBe(true);
    expect(ipcCalls.pickFiles.input.safeParse({}).success).toBe(false);
    expect(ipcCalls.setToken.input.safeParse(' abc.DEF-123 ').success).toBe(true);
    expect(ipcCalls.setToken.input.safeParse(null).success).toBe(true);
    const spaced = ipcCalls.setToken.input.safeParse('abc def');
    expect(spaced.success).toBe(false);
    expect(spaced.error?.issues[0]?.message).toBe('A token has only letters, digits and symbols: no spaces, line breaks or accented letters.');
    expect(ipcCalls.setToken.input.safeParse('   ').error?.issues[0]?.message).toBe('The token is empty.');
  });
});
