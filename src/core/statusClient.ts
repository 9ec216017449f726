/**
 * PROTOCOL.md §2: `GET <base>/documents/status/<chartNumber>`. One request,
 * bearer token, timeout, and errors typed by what the caller must do next:
 * `auth` stops retries, `http`/`network`/`timeout` are worth another try later.
 */
import { withoutTrailingSlashes } from '../shared/serverUrl';
import type { Network } from './network/network';
import { describeNetworkProblem, proxyStatusProblem } from './network/networkProblem';

export type StatusErrorCode = 'auth' | 'http' | 'network' | 'timeout';

export class StatusHttpError extends Error {
  /** HTTP status, or 0 when no response arrived (network, timeout). */
  readonly status: number;
  readonly code: StatusErrorCode;

  constructor(code: StatusErrorCode, status: number, message: string) {
    super(message);
    this.name = 'StatusHttpError';
    this.code = code;
    this.status = status;
  }
}

export interface FetchChartStatusOptions {
  baseUrl: string;
  chartNumber: string;
  token?: string | null;
  fetchImpl?: typeof fetch;
  /** Proxy and trust; its fetch is used unless fetchImpl is given. */
  network?: Network;
  signal?: AbortSignal;
  /** Whole request, headers and body. Default 15 s. */
  timeoutMs?: number;
  /** Another read than §2 (a Socket.IO dialect's job status path); default statusUrl(baseUrl, chartNumber). */
  url?: string;
}

export const DEFAULT_STATUS_TIMEOUT_MS = 15_000;
/** A §2 body is a few KiB; anything this large is not one, and we refuse to buffer it. */
const MAX_STATUS_BODY_BYTES = 8 * 1024 * 1024;

export function statusUrl(baseUrl: string, chartNumber: string): string {
  return `${withoutTrailingSlashes(baseUrl)}/documents/status/${encodeURIComponent(chartNumber)}`;
}

/** Returns the parsed JSON body; the caller reads it tolerantly (readJobFromStatusBody). */
export async function fetchChartStatus(options: FetchChartStatusOptions): Promise<unknown> {
  const fetchImpl = options.fetchImpl ?? options.network?.fetch ?? fetch;
  const url = options.url ?? statusUrl(options.baseUrl, options.chartNumber);
  const context = (): { server: URL; proxy: string | null } => ({ server: new URL(url), proxy: options.network?.proxyInUse(new URL(url)) ?? null });
  const timeoutMs = options.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  // A plain timer, not the injected clock: this guards a real socket, and a
  // fake clock that nobody advances must not leave a request hanging forever.
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuterAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) controller.abort();

  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;

  try {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'GET',
        headers,
        signal: controller.signal,
      });
    } catch (error) {
      throw transportError(error, timedOut, options.signal, context());
    }

    if (response.status === 407) {
      await response.body?.cancel().catch(() => undefined);
      throw new StatusHttpError('http', 407, proxyStatusProblem(407, context()).message);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel().catch(() => undefined);
      throw new StatusHttpError('auth', response.status, `The server refused the token (HTTP ${response.status}).`);
    }
    let text: string;
    try {
      text = await readLimitedText(response);
    } catch (error) {
      if (error instanceof StatusHttpError) throw error;
      throw transportError(error, timedOut, options.signal, context());
    }
    if (!response.ok) {
      throw new StatusHttpError('http', response.status, `Status request failed with HTTP ${response.status}${serverMessage(text)}.`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new StatusHttpError('http', response.status, 'Status response is not JSON.');
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

function transportError(error: unknown, timedOut: boolean, outer: AbortSignal | undefined, context: { server: URL; proxy: string | null }): StatusHttpError {
  if (timedOut) return new StatusHttpError('timeout', 0, 'Status request timed out.');
  if (outer?.aborted) return new StatusHttpError('network', 0, 'Status request was cancelled.');
  return new StatusHttpError('network', 0, `Status request could not reach the server: ${describeNetworkProblem(error, context).message}`);
}

async function readLimitedText(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_STATUS_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new StatusHttpError('http', response.status, 'Status response is too large.');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The server's own `message` from a JSON error body, when it sent one. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === 'string' ? `: ${body.message.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}
