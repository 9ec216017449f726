/**
 * A document's first page and its page count in the add dialog, or why it
 * cannot be shown (it can still be sent). A click opens the large preview.
 */
import { useSyncExternalStore } from 'react';
import { plural } from '../displayFormat';
import type { DocumentPreviews, PreviewSource } from '../preview/documentPreviews';
import { PageCanvas } from '../preview/PageCanvas';

export interface FileThumbnailProps {
  previews: DocumentPreviews;
  source: PreviewSource;
  name: string;
  onOpen: () => void;
}

export function FileThumbnail({ previews, source, name, onOpen }: FileThumbnailProps) {
  useSyncExternalStore(previews.subscribe, previews.getVersion);
  const state = previews.get(source) ?? { status: 'loading' as const };
  switch (state.status) {
    case 'loading':
      return (
        <>
          <span className="file-thumb file-thumb-loading" aria-hidden="true" />
          <span className="file-pages">Reading pages…</span>
        </>
      );
    case 'ready':
      return (
        <>
          <button type="button" className="file-thumb" aria-label={`Preview ${name} (${plural(state.pageCount, 'page')})`} onClick={onOpen}>
            <PageCanvas image={state.image} />
          </button>
          <span className="file-pages">{plural(state.pageCount, 'page')}</span>
        </>
      );
    case 'failed':
      return (
        <>
          <button type="button" className="file-thumb file-thumb-failed" aria-label={`Preview ${name}: cannot be shown`} onClick={onOpen}>
            <span aria-hidden="true">?</span>
          </button>
          <span className="file-pages file-no-preview">No preview: {state.message}</span>
        </>
      );
  }
}
