// @vitest-environment happy-dom
/**
 * "See what you send" in components: the thumbnails' loading (two at a time,
 * a newer drop wins, every image released), the add dialog's thumbnail and
 * page count (or why there is none), the large preview's keys, and the
 * viewer's page and document moves. The decoders are stood in for by an
 * opener whose pages are plain objects; Chromium runs the real ones
 * (test/e2e/seeWhatYouSend.test.ts).
 */
import { act, cleanup, render, renderHook, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AddDialog } from '../../src/renderer/components/AddDialog';
import { PreviewDialog } from '../../src/renderer/components/PreviewDialog';
import { usePreviewViewer, type ViewerState } from '../../src/renderer/hooks/usePreviewViewer';
import { PreviewError, type DocumentOpener, type OpenedDocument, type PageImage } from '../../src/renderer/preview/documentPages';
import { DocumentPreviews, type PreviewBridge, type PreviewSource } from '../../src/renderer/preview/documentPreviews';
import type { DocumentBytes, IpcResult } from '../../src/shared/ipc';

afterEach(cleanup);

/** A document whose "bytes" are its page count, e.g. [3] for three pages. */
function bridgeOf(answers: Record<string, IpcResult<DocumentBytes>>): PreviewBridge & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readDocument: async (source: PreviewSource) => {
      const key = 'path' in source ? source.path : `${source.jobId}#${source.file}`;
      reads.push(key);
      return answers[key] ?? { ok: false, error: { code: 'not_found', message: 'The file is no longer where it was (moved, renamed or deleted).' } };
    },
  } as PreviewBridge & { reads: string[] };
}
const pdf = (pages: number): IpcResult<DocumentBytes> => ({ ok: true, value: { type: 'pdf', bytes: new Uint8Array([pages]) } });

interface Rig {
  opener: DocumentOpener;
  images: Array<PageImage & { page: number; release: ReturnType<typeof vi.fn> }>;
  closed: number;
  open: number;
  mostOpen: number;
  /** Holds every open until release() is called. */
  hold(): void;
  release(): Promise<void>;
}

function openerRig(): Rig {
  let gate: Promise<void> | null = null;
  let letGo = () => {};
  const rig: Rig = {
    images: [],
    closed: 0,
    open: 0,
    mostOpen: 0,
    hold: () => void (gate = new Promise((resolve) => (letGo = resolve))),
    release: async () => {
      gate = null;
      letGo();
      await act(async () => {
        for (let i = 0; i < 20; i++) await Promise.resolve();
      });
    },
    opener: async (document) => {
      rig.open++;
      rig.mostOpen = Math.max(rig.mostOpen, rig.open);
      if (gate) await gate;
      const pageCount = document.bytes[0] ?? 0;
      if (pageCount === 0) {
        rig.open--;
        throw new PreviewError('This PDF cannot be read (damaged?). It can still be sent.');
      }
      const opened: OpenedDocument = {
        pageCount,
        renderPage: async (page) => {
          const image = { page, source: {} as CanvasImageSource, width: 10, height: 14, release: vi.fn() };
          rig.images.push(image);
          return image;
        },
        close: () => {
          rig.open--;
          rig.closed++;
        },
      };
      return opened;
    },
  };
  return rig;
}

const settle = () =>
  act(async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  });

describe('DocumentPreviews (the thumbnails)', () => {
  it('loads two at a time, answers each first page and page count, and says why one cannot be shown', async () => {
    const rig = openerRig();
    const bridge = bridgeOf({ '/a.pdf': pdf(3), '/b.pdf': pdf(1), '/c.pdf': pdf(0), '/d.pdf': pdf(2) });
    const previews = new DocumentPreviews(bridge, rig.opener);
    rig.hold();
    previews.request(['/a.pdf', '/b.pdf', '/c.pdf', '/d.pdf', '/gone.pdf'].map((path) => ({ path })));
    await settle();
    expect(bridge.reads).toEqual(['/a.pdf', '/b.pdf']);
    expect(previews.get({ path: '/a.pdf' })).toEqual({ status: 'loading' });
    await rig.release();
    expect(rig.mostOpen).toBe(2);
    expect(previews.get({ path: '/a.pdf' })).toMatchObject({ status: 'ready', pageCount: 3, image: { page: 0 } });
    expect(previews.get({ path: '/d.pdf' })).toMatchObject({ status: 'ready', pageCount: 2 });
    expect(previews.get({ path: '/c.pdf' })).toEqual({ status: 'failed', message: 'This PDF cannot be read (damaged?). It can still be sent.' });
    // Main's refusal reaches the user in main's words.
    expect(previews.get({ path: '/gone.pdf' })).toEqual({ status: 'failed', message: 'The file is no longer where it was (moved, renamed or deleted).' });
    expect(rig.open).toBe(0); // every document closed once its thumbnail is drawn
  });

  it('a newer drop wins: the older one stops loading and every image it drew is released', async () => {
    const rig = openerRig();
    const previews = new DocumentPreviews(bridgeOf({ '/a.pdf': pdf(1), '/b.pdf': pdf(1), '/c.pdf': pdf(1), '/new.pdf': pdf(4) }), rig.opener);
    previews.request([{ path: '/a.pdf' }]);
    await settle();
    const first = rig.images[0]!;
    rig.hold();
    previews.request([{ path: '/b.pdf' }, { path: '/c.pdf' }]);
    expect(first.release).toHaveBeenCalledOnce();
    previews.request([{ path: '/new.pdf' }]);
    await rig.release();
    expect(previews.get({ path: '/b.pdf' })).toBeUndefined();
    expect(previews.get({ path: '/new.pdf' })).toMatchObject({ status: 'ready', pageCount: 4 });
    const stale = rig.images.filter((image) => image !== first && image !== rig.images.at(-1));
    expect(stale.length).toBeGreaterThan(0);
    for (const image of stale) expect(image.release).toHaveBeenCalledOnce();
    previews.clear();
    expect(rig.images.at(-1)!.release).toHaveBeenCalledOnce();
  });
});

const READY = {
  status: 'ready' as const,
  suggestion: { value: '', source: 'none' as const, last: null },
  inspection: {
    accepted: [
      { path: '/in/scan.pdf', name: 'scan.pdf', size: 2_400, type: 'pdf' },
      { path: '/in/broken.pdf', name: 'broken.pdf', size: 30, type: 'pdf' },
    ],
    rejected: [],
  },
};

describe('AddDialog with previews', () => {
  it('each document shows its first page and page count (or why not); a click opens the preview at that document', async () => {
    const rig = openerRig();
    const previews = new DocumentPreviews(bridgeOf({ '/in/scan.pdf': pdf(3), '/in/broken.pdf': pdf(0) }), rig.opener);
    const onPreview = vi.fn();
    rig.hold();
    previews.request(READY.inspection.accepted.map((file) => ({ path: file.path })));
    render(<AddDialog state={READY} onClose={vi.fn()} onSubmit={vi.fn(async () => null)} previews={previews} onPreview={onPreview} />);
    const dialog = screen.getByRole('dialog');
    expect([...dialog.querySelectorAll('.file-pages')].map((p) => p.textContent)).toEqual(['Reading pages…', 'Reading pages…']);
    await rig.release();
    expect([...dialog.querySelectorAll('.file-pages')].map((p) => p.textContent)).toEqual(['3 pages', 'No preview: This PDF cannot be read (damaged?). It can still be sent.']);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview scan.pdf (3 pages)' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview broken.pdf: cannot be shown' }));
    expect(onPreview.mock.calls).toEqual([[0], [1]]);
    // It can still be sent.
    expect(within(dialog).getByRole('button', { name: 'Send 2 files' })).toBeTruthy();
  });
});

const image = { source: {} as CanvasImageSource, width: 10, height: 14, release: () => {} };
function viewerState(patch: Partial<ViewerState> = {}): ViewerState {
  return {
    documents: [
      { source: { path: '/in/scan.pdf' }, name: 'scan.pdf' },
      { source: { path: '/in/photo.png' }, name: 'photo.png' },
    ],
    index: 0,
    page: 1,
    pageCount: 3,
    image,
    error: null,
    loading: false,
    ...patch,
  };
}

describe('PreviewDialog', () => {
  it('arrows move through pages and documents, Home/End to the ends, Escape closes; the position is announced', async () => {
    const props = { onPage: vi.fn(), onDocument: vi.fn(), onClose: vi.fn() };
    render(<PreviewDialog state={viewerState()} {...props} />);
    const dialog = screen.getByRole('dialog', { name: 'scan.pdf' });
    expect(dialog.querySelector('.preview-position')?.textContent).toBe('Page 2 of 3 · document 1 of 2');
    expect(dialog.querySelector('.preview-position')?.getAttribute('aria-live')).toBe('polite');
    expect(within(dialog).getByRole('img', { name: 'Page 2 of scan.pdf' })).toBeTruthy();
    await userEvent.keyboard('{ArrowRight}{ArrowLeft}{Home}{End}{PageDown}{PageUp}');
    expect(props.onPage.mock.calls).toEqual([[2], [0], [0], [2], [2], [0]]);
    await userEvent.keyboard('{ArrowDown}{ArrowUp}');
    expect(props.onDocument.mock.calls).toEqual([[1], [-1]]);
    await userEvent.keyboard('{Escape}');
    expect(props.onClose).toHaveBeenCalledOnce();
  });

  it('a document that cannot be shown says why, and the page buttons say they do nothing (focus stays in the dialog)', () => {
    render(<PreviewDialog state={viewerState({ pageCount: null, image: null, error: 'This TIFF cannot be decoded. It can still be sent.' })} onPage={vi.fn()} onDocument={vi.fn()} onClose={vi.fn()} />);
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('alert').textContent).toBe('This TIFF cannot be decoded. It can still be sent.');
    expect(dialog.querySelector('.preview-position')?.textContent).toBe('Cannot be shown · document 1 of 2');
    expect(within(dialog).getByRole('button', { name: 'Next page' }).getAttribute('aria-disabled')).toBe('true');
    expect(within(dialog).getByRole('button', { name: 'Next page' }).hasAttribute('disabled')).toBe(false);
  });
});

describe('usePreviewViewer', () => {
  it('opens a document at its first page, moves within its pages only, and closes each document it leaves', async () => {
    const rig = openerRig();
    const previews = new DocumentPreviews(bridgeOf({ '/in/scan.pdf': pdf(3), 'job-1#1': pdf(1) }), rig.opener);
    const { result } = renderHook(() => usePreviewViewer(previews));
    const documents = [
      { source: { path: '/in/scan.pdf' }, name: 'scan.pdf' },
      { source: { jobId: 'job-1', file: 1 }, name: 'photo.png' },
    ];
    await act(() => result.current.open(documents, 0));
    expect(result.current.state).toMatchObject({ index: 0, page: 0, pageCount: 3, image: { page: 0 }, error: null, loading: false });
    act(() => result.current.goPage(2));
    await settle();
    expect(result.current.state).toMatchObject({ page: 2, image: { page: 2 } });
    expect(rig.images[0]!.release).toHaveBeenCalledOnce(); // the page left behind
    act(() => result.current.goPage(3)); // past the end: nothing happens
    act(() => result.current.goPage(-1));
    expect(result.current.state?.page).toBe(2);
    await act(async () => result.current.goDocument(1));
    await settle();
    expect(result.current.state).toMatchObject({ index: 1, page: 0, pageCount: 1 });
    expect(rig.closed).toBe(1);
    act(() => result.current.close());
    expect(result.current.state).toBeNull();
    expect(rig.closed).toBe(2);
    expect(rig.images.every((shown) => shown.release.mock.calls.length === 1)).toBe(true);
  });

  it('an answer that arrives after the user moved on is dropped and its document closed', async () => {
    const rig = openerRig();
    const previews = new DocumentPreviews(bridgeOf({ '/slow.pdf': pdf(2), '/fast.pdf': pdf(5) }), rig.opener);
    const { result } = renderHook(() => usePreviewViewer(previews));
    rig.hold();
    let slow: Promise<void> = Promise.resolve();
    act(() => void (slow = result.current.open([{ source: { path: '/slow.pdf' }, name: 'slow.pdf' }], 0)));
    act(() => result.current.close());
    await rig.release();
    await act(() => slow);
    expect(result.current.state).toBeNull();
    expect(rig.open).toBe(0);
    await act(() => result.current.open([{ source: { path: '/fast.pdf' }, name: 'fast.pdf' }], 0));
    expect(result.current.state).toMatchObject({ pageCount: 5 });
    const failed = renderHook(() => usePreviewViewer(new DocumentPreviews(bridgeOf({}), rig.opener)));
    await act(() => failed.result.current.open([{ source: { path: '/gone.pdf' }, name: 'gone.pdf' }], 0));
    expect(failed.result.current.state).toMatchObject({ pageCount: null, error: 'The file is no longer where it was (moved, renamed or deleted).', loading: false });
  });
});
