/**
 * From "these paths were dropped" to an open add dialog: ask main which files
 * can be sent (and why not the others) and which chart number to suggest.
 * Runs in event handlers, not in effects, so nothing is fetched on render.
 */
import { useCallback, useRef, useState } from 'react';
import type { FileInspection, IntakeBridge, RejectedFile } from '../../shared/ipc';
import { readLastChartNumber, suggestChartNumber, type ChartSuggestion } from '../store/chartSuggestion';

export type AddFlowState =
  | { status: 'closed' }
  | { status: 'checking'; count: number }
  | { status: 'ready'; inspection: FileInspection; suggestion: ChartSuggestion }
  | { status: 'error'; message: string; rejected: RejectedFile[] };

export interface AddFlowHooks {
  /** The files are checked: start what depends on them (the thumbnails). */
  onReady?: (inspection: FileInspection) => void;
  onClose?: () => void;
}

export function useAddFlow(bridge: IntakeBridge, { onReady, onClose }: AddFlowHooks = {}) {
  const [state, setState] = useState<AddFlowState>({ status: 'closed' });
  const generation = useRef(0);

  const open = useCallback(
    async (paths: string[], unreadable: RejectedFile[] = []) => {
      const mine = ++generation.current;
      if (paths.length === 0) {
        setState({ status: 'error', message: 'None of these items can be sent.', rejected: unreadable });
        return;
      }
      setState({ status: 'checking', count: paths.length + unreadable.length });
      const [inspected, settings] = await Promise.all([bridge.inspectFiles(paths), bridge.getSettings()]);
      if (mine !== generation.current) return; // closed or replaced meanwhile
      if (!inspected.ok) {
        setState({ status: 'error', message: inspected.error.message, rejected: unreadable });
        return;
      }
      const inspection = { ...inspected.value, rejected: [...unreadable, ...inspected.value.rejected] };
      const pattern = settings.ok ? settings.value.chartNumberPattern : null;
      const suggestion = suggestChartNumber(
        inspection.accepted.map((file) => file.path),
        pattern,
        readLastChartNumber(),
      );
      setState({ status: 'ready', inspection, suggestion });
      onReady?.(inspection);
    },
    [bridge, onReady],
  );

  /** Dropped or pasted File objects: their real paths come from the preload. */
  const openFiles = useCallback(
    (files: File[]) => {
      const paths: string[] = [];
      const unreadable: RejectedFile[] = [];
      for (const file of files) {
        const path = bridge.pathForFile(file);
        if (path) paths.push(path);
        else unreadable.push({ path: '', name: file.name, reason: 'This item has no file on disk (pasted content or a link?). Save it as a file first.' });
      }
      return open(paths, unreadable);
    },
    [bridge, open],
  );

  const pick = useCallback(async () => {
    const picked = await bridge.pickFiles();
    if (picked.ok && picked.value.length > 0) await open(picked.value);
    else if (!picked.ok) setState({ status: 'error', message: picked.error.message, rejected: [] });
  }, [bridge, open]);

  const close = useCallback(() => {
    generation.current += 1;
    setState({ status: 'closed' });
    onClose?.();
  }, [onClose]);

  return { state, open, openFiles, pick, close };
}
