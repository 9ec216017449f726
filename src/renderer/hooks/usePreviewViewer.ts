/**
 * The large preview: which documents it walks through, which page is shown,
 * and the page's image. Everything starts from a click or a key (no effect
 * fetches); an answer that arrives after the user moved on is dropped, and
 * every page image and open document is released when it is replaced.
 */
import { useCallback, useRef, useState } from 'react';
import { previewProblem, type OpenedDocument, type PageBox, type PageImage } from '../preview/documentPages';
import type { DocumentPreviews, PreviewSource } from '../preview/documentPreviews';

export interface PreviewDocument {
  source: PreviewSource;
  name: string;
}

export interface ViewerState {
  documents: PreviewDocument[];
  index: number;
  page: number;
  /** Null until the document is open (or when it cannot be). */
  pageCount: number | null;
  image: PageImage | null;
  error: string | null;
  /** A page is being drawn (the previous image stays until it is ready). */
  loading: boolean;
}

/** The page fits the dialog, in device pixels (sharp on a high-density screen). */
function previewBox(): PageBox {
  const ratio = Math.min(window.devicePixelRatio || 1, 2);
  return { width: Math.max(200, Math.min(860, window.innerWidth - 120)) * ratio, height: Math.max(200, window.innerHeight - 240) * ratio };
}

interface Held {
  generation: number;
  document: OpenedDocument | null;
  image: PageImage | null;
}

function releaseHeld(held: Held): void {
  held.image?.release();
  held.document?.close();
  held.image = null;
  held.document = null;
}

export function usePreviewViewer(previews: DocumentPreviews) {
  const [state, setState] = useState<ViewerState | null>(null);
  const held = useRef<Held>({ generation: 0, document: null, image: null });

  const showPage = useCallback(async (generation: number, document: OpenedDocument, page: number) => {
    let image: PageImage | null = null;
    let error: string | null = null;
    try {
      image = await document.renderPage(page, previewBox());
    } catch (problem) {
      error = previewProblem(problem);
    }
    if (generation !== held.current.generation) return image?.release();
    const previous = held.current.image;
    held.current.image = image;
    setState((open) => (open ? { ...open, page, image, error, loading: false } : open));
    // Released after the new image is in place: the canvas keeps what it drew.
    previous?.release();
  }, []);

  const openAt = useCallback(
    async (documents: PreviewDocument[], index: number) => {
      const generation = ++held.current.generation;
      releaseHeld(held.current);
      setState({ documents, index, page: 0, pageCount: null, image: null, error: null, loading: true });
      const wanted = documents[index];
      if (!wanted) return;
      try {
        const document = await previews.open(wanted.source);
        if (generation !== held.current.generation) return document.close();
        held.current.document = document;
        setState((open) => (open ? { ...open, pageCount: document.pageCount } : open));
        await showPage(generation, document, 0);
      } catch (problem) {
        if (generation === held.current.generation) setState((open) => (open ? { ...open, error: previewProblem(problem), loading: false } : open));
      }
    },
    [previews, showPage],
  );

  const goPage = useCallback(
    (page: number) => {
      const document = held.current.document;
      if (!state || !document || page < 0 || page >= document.pageCount || page === state.page) return;
      const generation = ++held.current.generation;
      setState({ ...state, page, loading: true });
      void showPage(generation, document, page);
    },
    [state, showPage],
  );

  const goDocument = useCallback(
    (index: number) => {
      if (!state || index < 0 || index >= state.documents.length || index === state.index) return;
      void openAt(state.documents, index);
    },
    [state, openAt],
  );

  const close = useCallback(() => {
    held.current.generation++;
    releaseHeld(held.current);
    setState(null);
  }, []);

  return { state, open: openAt, goPage, goDocument, close };
}
