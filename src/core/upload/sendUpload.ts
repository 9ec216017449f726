/**
 * One upload try: a streamed multipart POST (§1), files pumped from disk with
 * back-pressure, so memory stays flat whatever the size. Never throws; every
 * way it can end is a typed outcome the retry policy decides on.
 */
import { stat } from 'node:fs/promises';
import type { FileIdentity } from '../../shared/queueJob';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Clock } from '../clock';
import { errorBodySchema, uploadResponseSchema } from '../../shared/protocol';
import { withoutTrailingSlashes } from '../../shared/serverUrl';
import { FileBodyPump, type FileBodyResult } from './fileBodyPump';
import { layoutMultipart, type MultipartFile, type MultipartForm } from './multipartLayout';
import { isSocketIoDialect, type Dialect } from '../../shared/dialect';
import { idFrom } from '../connection/socketIoPayload';
import { StallWatchdog } from './stallWatchdog';
import { answeredByProxy, type Network } from '../network/network';
import { describeNetworkProblem, proxyStatusProblem, type ProblemContext } from '../network/networkProblem';

export interface UploadFile extends MultipartFile {
  path: string;
  /** The file checked at enqueue; any other file under this path is refused (jobs saved before it: none). */
  identity?: FileIdentity;
}

export interface SendUploadInput {
  baseUrl: string;
  token?: string | null;
  /** Proxy and trust (default: direct, Node's bundled roots). */
  network?: Network;
  idempotencyKey: string;
  chartNumber: string;
  /** The contract spoken: upload path, multipart field names, the answer's id field (default intake). */
  dialect?: Dialect;
  /** Sent as the dialect's batch field when it has one (seed 004). */
  batchId?: string;
  files: readonly UploadFile[];
  clock: Clock;
  /** Abort when no byte moves (either way) for this long. */
  stallMs: number;
  signal?: AbortSignal;
  /** Called with the body bytes handed to the socket so far. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** At most one onProgress per this many ms (clock.monotonic), plus the last byte; 0 reports every chunk. */
  progressIntervalMs?: number;
}

export type UploadOutcome =
  | { kind: 'accepted'; jobId: string; httpStatus: number; serverStatus: string | null }
  | { kind: 'http'; httpStatus: number; code: string; message: string; retryAfter: string | null }
  | { kind: 'network'; message: string }
  | { kind: 'stalled' }
  | { kind: 'aborted' }
  /** The local file changed or vanished after it was checked: retrying cannot help. */
  | { kind: 'file'; code: 'file_missing' | 'file_changed' | 'file_unreadable'; message: string };

/** Error bodies are small; anything bigger is not the JSON we expect and is cut. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export function uploadUrl(baseUrl: string, dialect?: Dialect): string {
  const path = dialect !== undefined && isSocketIoDialect(dialect) ? dialect.rest.upload : '/documents/upload';
  return `${withoutTrailingSlashes(baseUrl)}${path}`;
}

export async function sendUpload(input: SendUploadInput): Promise<UploadOutcome> {
  const changed = await findChangedFile(input.files);
  if (changed !== null) return changed;
  if (input.signal?.aborted) return { kind: 'aborted' };
  return new Promise<UploadOutcome>((resolve) => new UploadAttempt(input, resolve).start());
}

/** Sizes were fixed at enqueue; a file that changed since would make the Content-Length a lie. */
async function findChangedFile(files: readonly UploadFile[]): Promise<UploadOutcome | null> {
  for (const [index, file] of files.entries()) {
    try {
      const info = await stat(file.path);
      if (info.size !== file.size) {
        return { kind: 'file', code: 'file_changed', message: `Document ${index + 1} changed size since it was added; add it again.` };
      }
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      return missing
        ? { kind: 'file', code: 'file_missing', message: `Document ${index + 1} was moved or deleted before it could be sent.` }
        : { kind: 'file', code: 'file_unreadable', message: `Document ${index + 1} can no longer be read.` };
    }
  }
  return null;
}

class UploadAttempt {
  private request: ClientRequest | null = null;
  private settled = false;
  private bodyDone = false;
  private answered = false;
  private sent = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private readonly layout;
  private readonly watchdog: StallWatchdog;

  constructor(
    private readonly input: SendUploadInput,
    private readonly resolve: (outcome: UploadOutcome) => void,
  ) {
    this.layout = layoutMultipart(input.chartNumber, input.files, formOf(input.dialect, input.batchId));
    this.watchdog = new StallWatchdog(input.clock, input.stallMs, () => this.finish({ kind: 'stalled' }));
  }

  start(): void {
    const url = new URL(uploadUrl(this.input.baseUrl, this.input.dialect));
    const headers: Record<string, string | number> = {
      'Content-Type': this.layout.contentType,
      'Content-Length': this.layout.contentLength,
      'Idempotency-Key': this.input.idempotencyKey,
      Accept: 'application/json',
    };
    if (this.input.token) headers.Authorization = `Bearer ${this.input.token}`;

    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, { method: 'POST', headers, ...this.input.network?.nodeOptions(url) });
    this.request = request;
    // The closing boundary is a small last segment: Nagle would hold it back waiting for an ACK.
    request.setNoDelay(true);
    request.on('response', (response) => this.readResponse(response));
    request.on('error', (error) => this.finish({ kind: 'network', message: this.describe(error) }));
    // 'close' before any answer: the server hung up without a word. Once an answer
    // is being read, the response's own events decide.
    request.on('close', () => {
      if (!this.answered) this.finish({ kind: 'network', message: 'The server closed the connection before answering.' });
    });
    this.input.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.watchdog.start();
    // The body waits for the socket: the proxy decision may come later (agent-base), and a request
    // written before it would keep the origin-form path a forwarding proxy cannot take.
    // An unexpected throw while writing must end this try, never escape as an unhandled rejection.
    request.once('socket', () => {
      this.writeBody(request).catch((error: Error) => this.finish({ kind: 'network', message: this.describe(error) }));
    });
  }

  private context(): ProblemContext {
    const server = new URL(this.input.baseUrl);
    return { server, proxy: this.input.network?.proxyInUse(server) ?? null };
  }

  private describe(error: Error): string {
    const code = (error as NodeJS.ErrnoException).code;
    // Mid-upload resets keep their own words; everything else (DNS, proxy, TLS) is named by step.
    if (code === 'ECONNRESET' || code === 'EPIPE') return 'The connection was reset during the upload.';
    return describeNetworkProblem(error, this.context()).message;
  }

  private readonly onAbort = (): void => this.finish({ kind: 'aborted' });

  private async writeBody(request: ClientRequest): Promise<void> {
    const active = (): boolean => !this.settled && !request.destroyed;
    const pump = new FileBodyPump(request, Math.max(0, ...this.input.files.map((file) => file.size)), {
      active,
      onHandedOff: (bytes) => this.handedOff(bytes, false),
      onFlushed: () => this.watchdog.touch(),
    });
    for (const [index, file] of this.input.files.entries()) {
      if (!active()) return;
      const header = this.layout.fileHeaders[index]!;
      request.write(header);
      this.handedOff(header.length, false);
      const result = await pump.send(file.path, file.size, file.identity);
      if (result.kind !== 'sent') {
        if (result.kind !== 'stopped') this.finish(fileProblem(result, index));
        return;
      }
    }
    if (!active()) return;
    this.bodyDone = true;
    request.end(this.layout.closing);
    this.handedOff(this.layout.closing.length, true);
  }

  private handedOff(bytes: number, last: boolean): void {
    this.sent += bytes;
    this.watchdog.touch();
    const onProgress = this.input.onProgress;
    if (onProgress === undefined) return;
    const now = this.input.clock.monotonic();
    if (!last && now - this.lastReportAt < (this.input.progressIntervalMs ?? 0)) return;
    this.lastReportAt = now;
    onProgress(this.sent, this.layout.contentLength);
  }

  private readResponse(response: IncomingMessage): void {
    this.answered = true;
    const status = response.statusCode ?? 0;
    // The proxy's own answer is known from its head: a proxy that refuses a large body often drops the
    // connection right after it, which must not turn "wants credentials" into "the connection was cut".
    if (status === 407 || (this.request !== null && answeredByProxy(this.request))) {
      const problem = proxyStatusProblem(status, this.context());
      this.finish({ kind: 'http', httpStatus: status, code: problem.step, message: problem.message, retryAfter: null });
      response.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      this.watchdog.touch();
      if (length < MAX_RESPONSE_BYTES) chunks.push(chunk);
      length += chunk.length;
    });
    // An answer cut short fails ('aborted', ECONNRESET) before it closes incomplete: the upload itself was done.
    const cut = (): void => this.finish({ kind: 'network', message: 'The connection was cut while the server was answering.' });
    response.on('error', cut);
    response.on('close', () => {
      if (!response.complete) cut();
    });
    response.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      this.finish(interpretResponse(status, text, headerValue(response.headers['retry-after']), this.input.dialect));
    });
  }

  private finish(outcome: UploadOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.watchdog.stop();
    this.input.signal?.removeEventListener('abort', this.onAbort);
    // An early answer (e.g. 415 after the first bytes) leaves the body half sent: the socket cannot be reused.
    if (this.request !== null && (!this.bodyDone || outcome.kind !== 'accepted')) this.request.destroy();
    this.resolve(outcome);
  }
}

function fileProblem(result: Exclude<FileBodyResult, { kind: 'sent' | 'stopped' }>, index: number): UploadOutcome {
  switch (result.kind) {
    case 'missing':
      return { kind: 'file', code: 'file_missing', message: `Document ${index + 1} was moved or deleted while it was being sent.` };
    case 'unreadable':
      return { kind: 'file', code: 'file_unreadable', message: `Document ${index + 1} could not be read while sending.` };
    case 'shorter':
      return { kind: 'file', code: 'file_changed', message: `Document ${index + 1} got shorter while it was being sent; add it again.` };
    case 'replaced':
      return { kind: 'file', code: 'file_changed', message: `Document ${index + 1} was replaced by another file (or a link) after it was checked; nothing of it was sent. Add it again.` };
  }
}

/** The multipart names of the dialect (PROTOCOL.md §1's for intake) and the batch field when it has one. */
function formOf(dialect: Dialect | undefined, batchId: string | undefined): MultipartForm | undefined {
  if (dialect === undefined || !isSocketIoDialect(dialect)) return undefined;
  const { chartNumber, documents, batchId: batchField } = dialect.form;
  return { chartNumber, documents, ...(batchField !== null && batchId !== undefined && { extra: { [batchField]: batchId } }) };
}

/** The job id of a 2xx answer: PROTOCOL.md §1's `jobId`, or the dialect's field (a number is an id too). */
function acceptedJob(body: unknown, dialect: Dialect | undefined): { jobId: string; status: string | null } | null {
  if (dialect === undefined || !isSocketIoDialect(dialect)) {
    const parsed = uploadResponseSchema.safeParse(body);
    return parsed.success ? { jobId: parsed.data.jobId, status: parsed.data.status ?? null } : null;
  }
  const jobId = idFrom(body, dialect.fields.jobId);
  if (jobId === null) return null;
  const status = (body as Record<string, unknown>)[dialect.fields.status];
  return { jobId, status: typeof status === 'string' ? status : null };
}

function interpretResponse(status: number, text: string, retryAfter: string | null, dialect: Dialect | undefined): UploadOutcome {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: handled below by status.
  }
  if (status >= 200 && status < 300) {
    const accepted = acceptedJob(body, dialect);
    if (accepted !== null) return { kind: 'accepted', jobId: accepted.jobId, httpStatus: status, serverStatus: accepted.status };
    // Accepted or not, we cannot know the job: retrying with the same key is safe and tells us.
    return { kind: 'http', httpStatus: 502, code: 'bad_response', message: `The server answered ${status} without a job id.`, retryAfter: null };
  }
  const error = errorBodySchema.safeParse(body);
  return {
    kind: 'http',
    httpStatus: status,
    code: error.success ? error.data.error : `http_${status}`,
    message: error.success ? error.data.message : `The server answered HTTP ${status}.`,
    retryAfter,
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}
