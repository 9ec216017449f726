import { describe, expect, it } from 'vitest';
import { refusedHttpUrl, serveHttp as serve } from '../../support/httpStub';
import { readChartStatus, readKeyOf } from '../../../src/core/connection/chartStatusReader';
import { INTAKE_DIALECT, SOCKETIO_EVENTS } from '../../../src/shared/dialect';

/** A server answering every GET with `status` and `body`, remembering the paths it was asked for. */
async function answering(status: number, body: unknown): Promise<{ baseUrl: string; paths: string[] }> {
  const paths: string[] = [];
  const baseUrl = await serve((req, res) => {
    paths.push(req.url ?? '');
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  return { baseUrl, paths };
}

describe('readChartStatus', () => {
  it('intake: reads every job of the chart from one §2 body, and nothing for a job the body does not list', async () => {
    const { baseUrl, paths } = await answering(200, {
      chartNumber: 'C-1',
      jobs: [
        { jobId: 'j1', status: 'processing', phase: 'ocr_started', seq: 4 },
        { jobId: 'j2', status: 'completed', phase: 'completed', seq: 9 },
      ],
    });
    const outcome = await readChartStatus({ baseUrl, readKey: 'C-1' });
    expect(paths).toEqual(['/api/documents/status/C-1']);
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.read('j1')).toMatchObject({ jobId: 'j1', status: 'processing', phase: 'ocr_started', seq: 4 });
    expect(outcome.read('j2')).toMatchObject({ jobId: 'j2', status: 'completed' });
    expect(outcome.read('j3')).toBeNull();
  });

  it('the intake dialect named explicitly reads the same §2 path', async () => {
    const { baseUrl, paths } = await answering(200, { chartNumber: 'C-2', jobs: [] });
    const outcome = await readChartStatus({ baseUrl, readKey: 'C-2', dialect: INTAKE_DIALECT });
    expect(paths).toEqual(['/api/documents/status/C-2']);
    expect(outcome.kind).toBe('ok');
  });

  it('Socket.IO dialect: reads the one job by its id, under the dialect path, and answers for that job only', async () => {
    const { baseUrl, paths } = await answering(200, { job_id: 'J-1', status: 'processing', progress: 40, message: 'busy' });
    const outcome = await readChartStatus({ baseUrl: `${baseUrl}/`, readKey: 'J-1', dialect: SOCKETIO_EVENTS });
    expect(paths).toEqual(['/api/jobs/J-1']);
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.read('J-1')).toMatchObject({ jobId: 'J-1', status: 'processing', statusWord: 'processing', progress: 40, message: 'busy' });
    expect(outcome.read('J-2')).toBeNull();
  });

  it('Socket.IO dialect: a body that is no job object gives nothing to apply, not a made-up state', async () => {
    const { baseUrl } = await answering(200, ['not', 'a', 'job']);
    const outcome = await readChartStatus({ baseUrl, readKey: 'J-1', dialect: SOCKETIO_EVENTS });
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.read('J-1')).toBeNull();
  });

  it.each([401, 403])('a refused token (HTTP %i) is an auth failure that names only code and status', async (status) => {
    const { baseUrl } = await answering(status, { message: 'chart C-9 is not yours' });
    expect(await readChartStatus({ baseUrl, readKey: 'C-9', token: 'wrong' })).toEqual({ kind: 'auth', reason: `status read: auth (HTTP ${status})` });
  });

  it('a server error is retryable, and the reason does not quote what the server said', async () => {
    const { baseUrl } = await answering(500, { message: 'chart C-9 exploded' });
    expect(await readChartStatus({ baseUrl, readKey: 'C-9' })).toEqual({ kind: 'error', reason: 'status read: http (HTTP 500)' });
  });

  it('no answer at all (refused connection) is retryable and says so without an HTTP status', async () => {
    const baseUrl = await refusedHttpUrl();
    expect(await readChartStatus({ baseUrl, readKey: 'C-9' })).toEqual({ kind: 'error', reason: 'status read: network' });
  });

  it('a failure that is no status error (an unusable server address) is an error, never a throw', async () => {
    expect(await readChartStatus({ baseUrl: 'not a url', readKey: 'C-9' })).toEqual({ kind: 'error', reason: 'status read: unexpected failure' });
  });
});

describe('readKeyOf', () => {
  it('intake (or no dialect) reads by chart, the Socket.IO dialects by job', () => {
    expect(readKeyOf(undefined, 'j1', 'C-1')).toBe('C-1');
    expect(readKeyOf(INTAKE_DIALECT, 'j1', 'C-1')).toBe('C-1');
    expect(readKeyOf(SOCKETIO_EVENTS, 'j1', 'C-1')).toBe('j1');
  });
});
