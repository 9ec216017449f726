import { describe, expect, it } from 'vitest';
import { refusedHttpUrl, serveHttp as serve } from '../../support/httpStub';
import { fetchChartStatus, StatusHttpError } from '../../../src/core/statusClient';

async function failure(promise: Promise<unknown>): Promise<StatusHttpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StatusHttpError);
    return error as StatusHttpError;
  }
  throw new Error('expected the request to fail');
}

describe('fetchChartStatus', () => {
  it('GETs the status path with the bearer token and returns the JSON body', async () => {
    let seen: { url?: string; auth?: string; method?: string } = {};
    const baseUrl = await serve((req, res) => {
      seen = { url: req.url, auth: req.headers.authorization, method: req.method };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ chartNumber: 'A-1', jobs: [], results: null }));
    });
    const body = await fetchChartStatus({ baseUrl: `${baseUrl}/`, chartNumber: 'A-1', token: 'sekret' });
    expect(body).toEqual({ chartNumber: 'A-1', jobs: [], results: null });
    expect(seen).toEqual({ url: '/api/documents/status/A-1', auth: 'Bearer sekret', method: 'GET' });
  });

  it('sends no Authorization header without a token', async () => {
    let auth: string | undefined = 'unset';
    const baseUrl = await serve((req, res) => {
      auth = req.headers.authorization;
      res.end('{}');
    });
    await fetchChartStatus({ baseUrl, chartNumber: 'X' });
    expect(auth).toBeUndefined();
  });

  it.each([401, 403])('types HTTP %i as an auth failure', async (status) => {
    const baseUrl = await serve((_req, res) => {
      res.statusCode = status;
      res.end(JSON.stringify({ error: 'unauthorized', message: 'nope' }));
    });
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'X' }));
    expect(error.code).toBe('auth');
    expect(error.status).toBe(status);
  });

  it('types other statuses as http, quoting the server message', async () => {
    const baseUrl = await serve((_req, res) => {
      res.statusCode = 503;
      res.end(JSON.stringify({ error: 'unavailable', message: 'try later' }));
    });
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'X' }));
    expect(error.code).toBe('http');
    expect(error.status).toBe(503);
    expect(error.message).toContain('try later');
  });

  it('types a non-JSON 200 as http', async () => {
    const baseUrl = await serve((_req, res) => res.end('<html>'));
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'X' }));
    expect(error.code).toBe('http');
    expect(error.message).toMatch(/not JSON/);
  });

  it('times out a server that never answers', async () => {
    const baseUrl = await serve(() => undefined);
    const started = Date.now();
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'X', timeoutMs: 200 }));
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('types a refused connection as network', async () => {
    const baseUrl = await refusedHttpUrl();
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'X' }));
    expect(error.code).toBe('network');
    expect(error.status).toBe(0);
  });

  it('honours an outer abort signal', async () => {
    const baseUrl = await serve(() => undefined);
    const controller = new AbortController();
    const pending = fetchChartStatus({ baseUrl, chartNumber: 'X', signal: controller.signal });
    controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('network');
    expect(error.message).toMatch(/cancelled/);
  });
});
