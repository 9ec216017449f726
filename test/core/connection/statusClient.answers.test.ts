/**
 * What the §2 status read makes of each kind of answer, with canned fetch
 * answers (no socket needed): the messages a user sees and the code that
 * decides whether the caller tries again.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Network } from '../../../src/core/network/network';
import { fetchChartStatus, StatusHttpError } from '../../../src/core/statusClient';

const baseUrl = 'http://127.0.0.1:9/api';

/** A fetch that answers every request with `answer()` and records what was asked. */
function canned(answer: () => Response) {
  const asked: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    asked.push({ url: String(url), init });
    return answer();
  }) as typeof fetch;
  return { fetchImpl, asked };
}

async function failure(promise: Promise<unknown>): Promise<StatusHttpError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the status read to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StatusHttpError);
  expect((error as Error).name).toBe('StatusHttpError');
  return error as StatusHttpError;
}

describe('fetchChartStatus answers', () => {
  it('asks for JSON and uses the fetch it is given, before the network port', async () => {
    const given = canned(() => Response.json({ jobs: [] }));
    const viaNetwork = canned(() => Response.json({ wrong: true }));
    const network = { fetch: viaNetwork.fetchImpl, proxyInUse: () => null } as unknown as Network;
    expect(await fetchChartStatus({ baseUrl, chartNumber: 'A 1', fetchImpl: given.fetchImpl, network })).toEqual({ jobs: [] });
    expect(viaNetwork.asked).toEqual([]);
    expect(given.asked[0]?.url).toBe('http://127.0.0.1:9/api/documents/status/A%201');
    expect(given.asked[0]?.init?.headers).toEqual({ Accept: 'application/json' });
    // Without a fetch of its own, the network port's fetch (proxy, trust) is used.
    expect(await fetchChartStatus({ baseUrl, chartNumber: 'A', network })).toEqual({ wrong: true });
  });

  it('HTTP 407 from the way to the server asks for proxy credentials, as a retryable http error', async () => {
    const { fetchImpl } = canned(() => new Response(null, { status: 407 }));
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl }));
    expect(error).toMatchObject({ code: 'http', status: 407 });
    expect(error.message).toMatch(/^The proxy wants credentials \(HTTP 407\) before it lets Intake reach 127\.0\.0\.1:9\./);
  });

  it('a refused token says so, also when the answer has no body', async () => {
    const { fetchImpl } = canned(() => new Response(null, { status: 401 }));
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl }));
    expect(error).toMatchObject({ code: 'auth', status: 401, message: 'The server refused the token (HTTP 401).' });
  });

  it("quotes the server's own message, at most 300 characters, and nothing when it sent none", async () => {
    const long = 'x'.repeat(400);
    const quoted = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(() => Response.json({ message: long }, { status: 500 })).fetchImpl }));
    expect(quoted.message).toBe(`Status request failed with HTTP 500: ${'x'.repeat(300)}.`);
    const plain = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(() => new Response('Bad Gateway', { status: 502 })).fetchImpl }));
    expect(plain.message).toBe('Status request failed with HTTP 502.');
    const notText = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(() => Response.json({ message: 42 }, { status: 503 })).fetchImpl }));
    expect(notText.message).toBe('Status request failed with HTTP 503.');
  });

  it('a 200 without a body is not JSON (an http error), not a crash', async () => {
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(() => new Response(null, { status: 200 })).fetchImpl }));
    expect(error).toMatchObject({ code: 'http', status: 200, message: 'Status response is not JSON.' });
  });

  it('refuses to buffer a body over 8 MiB; 8 MiB itself is read', async () => {
    const limit = 8 * 1024 * 1024;
    const json = (bytes: number): string => `"${'a'.repeat(bytes - 2)}"`;
    let pulls = 0;
    const endless = () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            pulls += 1;
            controller.enqueue(new Uint8Array(1024 * 1024).fill(0x61));
          },
        }),
      );
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(endless).fetchImpl }));
    expect(error).toMatchObject({ code: 'http', status: 200, message: 'Status response is too large.' });
    expect(pulls).toBeLessThan(12);
    const exact = await fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(() => new Response(json(limit))).fetchImpl });
    expect((exact as string).length).toBe(limit - 2);
  });

  it('a signal already aborted cancels before anything is sent; no listener is left on the caller’s signal', async () => {
    const aborted = AbortSignal.abort();
    const refusing = (async (_url: string | URL | Request, init?: RequestInit) => {
      if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
      return Response.json({});
    }) as typeof fetch;
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: refusing, signal: aborted }));
    expect(error).toMatchObject({ code: 'network', status: 0, message: 'Status request was cancelled.' });

    const outer = new AbortController();
    await fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(() => Response.json({})).fetchImpl, signal: outer.signal });
    await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(() => new Response(null, { status: 500 })).fetchImpl, signal: outer.signal }));
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(0);
  });

  it('a transport failure names what failed; only a real cancel is called cancelled', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }) as typeof fetch;
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: refused, signal: new AbortController().signal }));
    expect(error).toMatchObject({
      code: 'network',
      status: 0,
      message: 'Status request could not reach the server: The server 127.0.0.1:9 refused the connection (is it running?).',
    });
  });

  it('a request that outlives its time is a timeout, said as such', async () => {
    const never = ((_url: string | URL | Request, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: never, timeoutMs: 20 }));
    expect(error).toMatchObject({ code: 'timeout', status: 0, message: 'Status request timed out.' });
  });

  it('a body cut off mid-read is a network failure the caller retries, not a crash', async () => {
    const cut = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"jobs": ['));
            controller.error(Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }));
          },
        }),
      );
    const error = await failure(fetchChartStatus({ baseUrl, chartNumber: 'A', fetchImpl: canned(cut).fetchImpl }));
    expect(error).toMatchObject({ code: 'network', status: 0, message: 'Status request could not reach the server: The server 127.0.0.1:9 cut the connection (is it running?).' });
  });
});
