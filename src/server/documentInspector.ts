/**
 * A pass-through stream that learns what the server reports about a document
 * while it is written to disk: size, type (from the first bytes), sha256 and,
 * for PDFs, the page count. Nothing is buffered beyond the first few bytes.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { type DocumentType, SNIFF_BYTES, detectDocumentType } from '../shared/documentType';
import { PdfPageCounter } from './pdfPageCounter';

export class UnsupportedTypeError extends Error {}

export interface DocumentFacts {
  size: number;
  type: DocumentType | null;
  sha256: string;
  pages: number | null;
}

export class DocumentInspector extends Transform {
  private readonly hash = createHash('sha256');
  private head: Buffer[] = [];
  private headBytes = 0;
  private type: DocumentType | null = null;
  private readonly pageCounter = new PdfPageCounter();
  private size = 0;
  private facts: DocumentFacts | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    if (this.type === null) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < SNIFF_BYTES) return callback();
      // The head (this chunk included) goes downstream inside judgeHead().
      return callback(this.judgeHead());
    }
    if (this.type === 'pdf') this.pageCounter.push(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    // A file shorter than SNIFF_BYTES gets judged here (empty files are refused by the caller).
    if (this.type === null && this.headBytes > 0) {
      const verdict = this.judgeHead();
      if (verdict !== null) return callback(verdict);
    }
    this.facts = {
      size: this.size,
      type: this.type,
      sha256: this.hash.digest('hex'),
      pages: this.type === 'pdf' ? this.pageCounter.finish() : null,
    };
    callback();
  }

  /** Available after the stream finished. */
  result(): DocumentFacts {
    if (this.facts === null) throw new Error('DocumentInspector.result() called before the stream finished');
    return this.facts;
  }

  /** Decides the type from the buffered head and releases it downstream; returns an error to refuse. */
  private judgeHead(): Error | null {
    const head = Buffer.concat(this.head);
    this.head = [];
    this.type = detectDocumentType(head);
    if (this.type === null) return new UnsupportedTypeError('unsupported type');
    if (this.type === 'pdf') this.pageCounter.push(head);
    this.push(head);
    return null;
  }
}
