/**
 * The add dialog's thumbnails: for each document, its first page and its page
 * count, or why it cannot be shown. Loaded two at a time after the files are
 * checked (the bytes come from main, which reads only what the user handed
 * over), so a drop of many scans never stalls the window; a new drop forgets
 * the previous one's thumbnails and stops their loading.
 */
import type { IntakeBridge } from '../../shared/ipc';
import { openDocument, PreviewError, previewProblem, type DocumentOpener, type OpenedDocument, type PageBox, type PageImage } from './documentPages';

/** A document the page may ask main for: a path the user handed over, or a job's file by index. */
export type PreviewSource = { path: string } | { jobId: string; file: number };

export type ThumbnailState = { status: 'loading' } | { status: 'ready'; pageCount: number; image: PageImage } | { status: 'failed'; message: string };

/** Twice the thumbnail's CSS size: sharp on a high-density screen. */
export const THUMBNAIL_BOX: PageBox = { width: 112, height: 144 };
const PARALLEL_LOADS = 2;

export type PreviewBridge = Pick<IntakeBridge, 'readDocument'>;

/** Reads a document through main and opens it; throws a message fit for the user. */
export async function loadDocument(bridge: PreviewBridge, source: PreviewSource, opener: DocumentOpener): Promise<OpenedDocument> {
  const answer = await bridge.readDocument(source);
  if (!answer.ok) throw new PreviewError(answer.error.message);
  return opener(answer.value);
}

export function sourceKey(source: PreviewSource): string {
  return 'path' in source ? `path:${source.path}` : `job:${source.jobId}:${source.file}`;
}

export class DocumentPreviews {
  private states = new Map<string, ThumbnailState>();
  private listeners = new Set<() => void>();
  private generation = 0;
  private version = 0;

  constructor(
    private readonly bridge: PreviewBridge,
    readonly opener: DocumentOpener = openDocument,
  ) {}

  /** Thumbnails for these documents, in order; the previous request's are released. */
  request(sources: PreviewSource[]): void {
    const mine = ++this.generation;
    this.release();
    const queue = [...sources];
    for (const source of queue) this.states.set(sourceKey(source), { status: 'loading' });
    this.changed();
    const next = async (): Promise<void> => {
      const source = queue.shift();
      if (source === undefined || mine !== this.generation) return;
      const state = await this.thumbnail(source);
      if (mine !== this.generation) {
        if (state.status === 'ready') state.image.release();
        return;
      }
      this.states.set(sourceKey(source), state);
      this.changed();
      return next();
    };
    for (let i = 0; i < PARALLEL_LOADS; i++) void next();
  }

  /** Forgets every thumbnail (the dialog closed). */
  clear(): void {
    this.generation++;
    this.release();
    this.changed();
  }

  get(source: PreviewSource): ThumbnailState | undefined {
    return this.states.get(sourceKey(source));
  }

  /** Opens a document for the large preview (the caller closes it). */
  open(source: PreviewSource): Promise<OpenedDocument> {
    return loadDocument(this.bridge, source, this.opener);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever a thumbnail does (for useSyncExternalStore). */
  readonly getVersion = (): number => this.version;

  private async thumbnail(source: PreviewSource): Promise<ThumbnailState> {
    let document: OpenedDocument | null = null;
    try {
      document = await loadDocument(this.bridge, source, this.opener);
      const image = await document.renderPage(0, THUMBNAIL_BOX);
      return { status: 'ready', pageCount: document.pageCount, image };
    } catch (error) {
      return { status: 'failed', message: previewProblem(error) };
    } finally {
      document?.close();
    }
  }

  private release(): void {
    for (const state of this.states.values()) if (state.status === 'ready') state.image.release();
    this.states = new Map();
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
