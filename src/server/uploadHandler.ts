/**
 * `POST /documents/upload` (PROTOCOL.md §1). The multipart body is streamed
 * part by part to a staging folder; nothing holds a whole document in memory.
 * The chart number may come before or after the files, so everything is
 * validated once the body ended, and any refusal deletes what was stored.
 *
 * Idempotency-Key choice: a repeat with a known key answers 200 with the
 * original 201 body, even if its chart number differs. The client that
 * reuses a key is retrying; returning the job it already created is what
 * it needs, and a 409 would strand it (PROTOCOL.md lists no 409).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { chartNumberProblem } from '../shared/chartNumber';
import { ByteLimit } from './byteLimit';
import { DocumentInspector, UnsupportedTypeError } from './documentInspector';
import { answerEarly, sendError, sendJson } from './httpReply';
import { type JobRecord, type StoredDocument, newJobRecord } from './jobRecord';
import { type JobPipeline } from './jobPipeline';
import { type JobStore } from './jobStore';
import { ACCEPTED_TYPES_TEXT } from '../shared/documentType';
import { type ServerLimits, type UploadFault } from './types';
import { applyUploadFault } from './uploadFaults';

export interface UploadContext {
  store: JobStore;
  pipeline: JobPipeline;
  limits: Required<ServerLimits>;
  maxAttempts: number;
  takeFault(): UploadFault | undefined;
  /** Resolves once the store, new job included, is on disk. */
  persisted(): Promise<void>;
  /** Called once the new job is saved, before the 201 leaves. */
  onAccepted(job: JobRecord): void;
  /** Multipart field names (a Socket.IO dialect's); default PROTOCOL.md §1's. batchId null: no batches. */
  form?: { chartNumber: string; documents: string; batchId: string | null };
  /** The 201 body of a dialect; default PROTOCOL.md §1's. */
  answerBody?(job: JobRecord): Record<string, unknown>;
}

const INTAKE_FORM = { chartNumber: 'chartNumber', documents: 'documents', batchId: null };

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
/** Document names are echoed in responses and results; a megabyte-long "name" is an attack, not a name. */
const MAX_NAME_CHARS = 255;

class Refusal {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly message: string,
  ) {}
}

export function handleUpload(req: IncomingMessage, res: ServerResponse, ctx: UploadContext): void {
  const fault = ctx.takeFault();
  if (fault !== undefined && fault.kind !== 'dropResponse') return applyUploadFault(fault, req, res);

  const early = refuseFromHeaders(req, ctx.limits);
  if (early !== null) return answerEarly(req, res, () => sendError(res, early.status, early.error, early.message));
  const key = headerValue(req, 'idempotency-key');
  new UploadReception(req, res, ctx, key ?? null, fault?.kind === 'dropResponse').start();
}

function refuseFromHeaders(req: IncomingMessage, limits: Required<ServerLimits>): Refusal | null {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    return new Refusal(400, 'bad_multipart', 'The upload must be multipart/form-data with a boundary.');
  }
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > limits.maxRequestBytes) {
    return new Refusal(413, 'payload_too_large', `The upload is ${length} bytes; this server accepts at most ${limits.maxRequestBytes} bytes per request.`);
  }
  const key = headerValue(req, 'idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    return new Refusal(400, 'bad_request', 'Idempotency-Key must be 1–200 visible ASCII characters.');
  }
  return null;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** One upload request from first byte to answer. */
class UploadReception {
  private readonly stagingDir: string;
  private readonly writes: Array<Promise<void>> = [];
  private readonly documents: Array<{ name: string; storedAs: string; inspector: DocumentInspector }> = [];
  private readonly inFlight = new Set<Readable>();
  private chartNumber: string | undefined;
  private chartNumberTruncated = false;
  private batchId: string | undefined;
  private readonly form: { chartNumber: string; documents: string; batchId: string | null };
  private settled = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly ctx: UploadContext,
    private readonly idempotencyKey: string | null,
    /** The dropResponse fault: the job is accepted but the answer never leaves. */
    private readonly dropAnswer = false,
  ) {
    this.stagingDir = join(ctx.store.uploadsDir, `staging-${randomUUID()}`);
    this.form = ctx.form ?? INTAKE_FORM;
  }

  start(): void {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: this.req.headers,
        limits: {
          fileSize: this.ctx.limits.maxFileBytes,
          files: this.ctx.limits.maxFiles,
          fields: 50,
          fieldSize: 64 * 1024,
          parts: this.ctx.limits.maxFiles + 50,
        },
      });
    } catch {
      return this.refuse(new Refusal(400, 'bad_multipart', 'The multipart body has no usable boundary.'));
    }

    // The client went away mid-body: nobody to answer, just clean up.
    this.req.on('close', () => {
      if (!this.settled && !this.req.complete) {
        this.settled = true;
        this.discard();
      }
    });

    parser.on('field', (name, value, info) => {
      if (name === this.form.batchId) this.batchId = value;
      if (name !== this.form.chartNumber) return;
      this.chartNumber = value;
      this.chartNumberTruncated = info.valueTruncated;
    });
    parser.on('file', (name, stream, info) => this.receiveFile(name, stream, info.filename ?? ''));
    parser.on('filesLimit', () =>
      this.refuse(new Refusal(413, 'payload_too_large', `Too many documents; this server accepts at most ${this.ctx.limits.maxFiles} per upload.`)),
    );
    parser.on('partsLimit', () => this.refuse(new Refusal(413, 'payload_too_large', 'The upload has too many parts.')));
    parser.on('fieldsLimit', () => this.refuse(new Refusal(400, 'bad_multipart', 'The upload has too many form fields.')));
    parser.on('error', () => this.refuse(new Refusal(400, 'bad_multipart', 'The multipart body is malformed (it ends early or a part header is broken).')));
    parser.on('close', () => void this.finish());

    try {
      mkdirSync(this.stagingDir, { recursive: true });
    } catch {
      return this.refuse(new Refusal(500, 'internal_error', 'The server could not store the upload.'));
    }
    // Counted in the pipe, not with a 'data' listener: that would start the flow before busboy is attached and lose bytes.
    const counter = new ByteLimit(this.ctx.limits.maxRequestBytes, () =>
      this.refuse(new Refusal(413, 'payload_too_large', `The upload exceeds ${this.ctx.limits.maxRequestBytes} bytes, the most this server accepts per request.`)),
    );
    this.req.pipe(counter).pipe(parser);
  }

  private receiveFile(field: string, stream: Readable, filename: string): void {
    if (this.settled) return void stream.resume();
    if (field !== this.form.documents) {
      stream.resume();
      return this.refuse(new Refusal(400, 'bad_multipart', `Unexpected file field "${field.slice(0, 64)}"; send documents in the "${this.form.documents}" field.`));
    }
    const index = this.documents.length + 1;
    if (filename.length > MAX_NAME_CHARS) {
      stream.resume();
      return this.refuse(new Refusal(400, 'bad_request', `Document ${index} has a name of ${filename.length} characters; at most ${MAX_NAME_CHARS} are allowed.`));
    }
    const storedAs = String(index);
    const inspector = new DocumentInspector();
    this.documents.push({ name: filename === '' ? `document-${index}` : filename, storedAs, inspector });
    stream.on('limit', () =>
      this.refuse(new Refusal(413, 'payload_too_large', `Document ${index} is larger than ${this.ctx.limits.maxFileBytes} bytes, the most this server accepts per document.`)),
    );
    this.inFlight.add(stream);
    const write = pipeline(stream, inspector, createWriteStream(join(this.stagingDir, storedAs))).then(
      () => {
        this.inFlight.delete(stream);
      },
      (error: unknown) => {
        this.inFlight.delete(stream);
        if (error instanceof UnsupportedTypeError) {
          this.refuse(new Refusal(415, 'unsupported_media_type', `Document ${index} is not a ${ACCEPTED_TYPES_TEXT} file.`));
        } else {
          this.refuse(new Refusal(500, 'internal_error', 'The server could not store a document.'));
        }
      },
    );
    this.writes.push(write);
  }

  private async finish(): Promise<void> {
    await Promise.all(this.writes);
    if (this.settled) return;
    const refusal = this.validate();
    if (refusal !== null) return this.refuse(refusal);
    this.settled = true;
    try {
      await this.accept();
    } catch {
      this.settled = false;
      this.refuse(new Refusal(500, 'internal_error', 'The server could not record the job.'));
    }
  }

  private validate(): Refusal | null {
    if (this.chartNumberTruncated) return new Refusal(400, 'invalid_chart_number', 'Chart number is too long; at most 64 characters are allowed.');
    const problem = chartNumberProblem(this.chartNumber ?? '');
    if (problem !== null) return new Refusal(400, 'invalid_chart_number', problem);
    if (this.documents.length === 0) return new Refusal(400, 'no_documents', `The upload has no documents; send one or more files in the "${this.form.documents}" field.`);
    if (this.batchId !== undefined && !/^[\x21-\x7e]{1,200}$/.test(this.batchId)) return new Refusal(400, 'bad_request', 'The batch id must be 1–200 visible ASCII characters.');
    const total = this.documents.length;
    for (const [i, doc] of this.documents.entries()) {
      if (doc.inspector.result().size === 0) return new Refusal(400, 'bad_request', `Document ${i + 1} of ${total} is empty (0 bytes).`);
    }
    return null;
  }

  private async accept(): Promise<void> {
    const { store } = this.ctx;
    // Checked at the end, not the start: two requests with one key can race, and the second must still find the first.
    const existing = this.idempotencyKey === null ? undefined : store.jobForKey(this.idempotencyKey);
    if (existing !== undefined) {
      this.answer(200, existing.uploadResponse);
      await rm(this.stagingDir, { recursive: true, force: true });
      return;
    }
    const jobId = randomUUID();
    // Synchronous from the key check to store.add(): an await in between would let a concurrent repeat create a second job.
    renameSync(this.stagingDir, join(store.uploadsDir, jobId));
    const documents: StoredDocument[] = this.documents.map((doc) => {
      const facts = doc.inspector.result();
      return { name: doc.name, size: facts.size, type: facts.type ?? 'unknown', sha256: facts.sha256, pages: facts.pages, storedAs: doc.storedAs };
    });
    const job = newJobRecord({
      jobId,
      chartNumber: this.chartNumber ?? '',
      jobIndex: store.takeJobIndex(),
      maxAttempts: this.ctx.maxAttempts,
      documents,
    });
    if (this.batchId !== undefined) job.batchId = this.batchId;
    if (this.ctx.answerBody !== undefined) job.uploadResponse = this.ctx.answerBody(job);
    store.add(job, this.idempotencyKey);
    // On disk before the client hears "201": a restarted server must know the job and its key.
    await this.ctx.persisted();
    this.ctx.onAccepted(job);
    this.ctx.pipeline.schedule(job);
    this.answer(201, job.uploadResponse);
  }

  private answer(status: number, body: unknown): void {
    if (this.dropAnswer) this.req.socket.destroy();
    else sendJson(this.res, status, body);
  }

  private refuse(refusal: Refusal): void {
    if (this.settled) return;
    this.settled = true;
    this.req.unpipe();
    this.req.resume();
    answerEarly(this.req, this.res, () => sendError(this.res, refusal.status, refusal.error, refusal.message));
    this.discard();
  }

  /** Stops every document write, then deletes the staging folder (after, or a late open could recreate a file in it). */
  private discard(): void {
    for (const stream of this.inFlight) stream.destroy();
    void Promise.allSettled(this.writes).then(() => rm(this.stagingDir, { recursive: true, force: true }).catch(() => {}));
  }
}
