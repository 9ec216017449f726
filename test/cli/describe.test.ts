import { describe, expect, it } from 'vitest';
import { describeConnection, describeJobState, formatSeconds } from '../../src/cli/output/describe';
import { sampleJob, trackedJob } from '../support/sampleJob';

describe('describe', () => {
  it.each([
    [4.2, '5s'],
    [125, '2m05s'],
    [3 * 3600 + 60, '3h01m'],
  ])('formatSeconds(%d) = %s', (seconds, text) => expect(formatSeconds(seconds)).toBe(text));

  it('says where a job is, in the words a user expects', () => {
    expect(describeJobState(sampleJob(), 0)).toBe('queued');
    expect(describeJobState(sampleJob({ uploadAttempts: 2 }), 0)).toBe('queued (upload attempt 3)');
    expect(describeJobState(sampleJob({ error: { code: 'network', message: 'Server unreachable.' } }), 0)).toBe('waiting: Server unreachable.');
    expect(describeJobState(trackedJob('queued', 0), 0)).toBe('accepted by the server: now queued');
    expect(describeJobState(trackedJob('ocr_started', 2, { message: 'OCR started.' }), 0)).toBe('OCR started');
    expect(describeJobState(trackedJob('ocr_started', 2, { message: 'page 3 of 9' }), 0)).toBe('OCR started: page 3 of 9');
    expect(describeJobState(trackedJob('failed', 4, { status: 'failed', willRetry: true, attempt: 1, maxAttempts: 3 }), 0)).toBe('retrying (attempt 1 of 3)');
    const waiting = sampleJob({ stage: 'uploading', uploadAttempts: 2, nextUploadAt: 4_000, error: { code: 'network', message: 'Connection refused.' } });
    expect(describeJobState(waiting, 1_000)).toBe('upload try 2 failed (Connection refused.); next try in 3s');
    expect(describeJobState(trackedJob('mystery_phase', 5, { message: '' }), 0)).toBe('mystery_phase');
    // A Socket.IO backend: its percentage and its own status word.
    expect(describeJobState(trackedJob('processing', 0, { status: 'processing', progress: 45, statusWord: 'PROCESSING', message: 'Running quality checks' }), 0)).toBe('45% PROCESSING: Running quality checks');
    expect(describeJobState(trackedJob('processing', 0, { status: 'processing', progress: 10, statusWord: 'processing', message: '' }), 0)).toBe('10% processing');
  });

  it('names the token when authentication fails', () => {
    expect(describeConnection({ state: 'auth_failed', reason: 'HTTP 401' })).toBe('authentication failed (HTTP 401); check --token');
  });
});
