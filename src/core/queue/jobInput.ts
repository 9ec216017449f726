/**
 * What `enqueue` accepts: a valid chart number and files that all pass the
 * pre-flight check. A job with any bad file is refused whole, with every
 * reason, so nothing is dropped silently; the UI shows the reasons and
 * enqueues only the accepted paths.
 */
import type { JobFile } from '../../shared/queueJob';
import { chartNumberProblem } from '../../shared/chartNumber';
import { inspectFiles, type FileLimits } from '../files/fileInspector';
import type { PinnedPath } from '../files/fileIdentity';
import { QueueInputError } from './types';

/** What a front end asks to enqueue: one chart number and the dropped paths (the hot folder's pinned to the files it saw). */
export interface JobInput {
  chartNumber: string;
  files: (string | PinnedPath)[];
}

export async function validateJobInput(input: unknown, limits: FileLimits): Promise<{ chartNumber: string; files: JobFile[] }> {
  const { chartNumber: rawChart, files: rawFiles } = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  // Spaces around a pasted chart number are a copy artefact, not part of it.
  const chartNumber = typeof rawChart === 'string' ? rawChart.trim() : '';
  const chartProblem = chartNumberProblem(chartNumber);
  if (chartProblem !== null) throw new QueueInputError('invalid_chart_number', chartProblem);

  if (!Array.isArray(rawFiles) || rawFiles.length === 0) throw new QueueInputError('no_files', 'Add at least one document.');
  if (!rawFiles.every(isPathInput)) {
    throw new QueueInputError('invalid_argument', 'Every file must be given as a non-empty path.');
  }

  const { accepted, rejected } = await inspectFiles(rawFiles, limits);
  if (rejected.length > 0) {
    const reasons = rejected.map((file) => `${file.name}: ${file.reason}`).join('\n');
    const message = `Nothing was queued: ${rejected.length} of the dropped items cannot be sent.\n${reasons}`;
    throw new QueueInputError('invalid_files', message, rejected);
  }
  if (accepted.length === 0) throw new QueueInputError('no_files', 'No documents found in what was dropped.');
  return { chartNumber, files: accepted };
}

function isPathInput(given: unknown): given is string | PinnedPath {
  if (typeof given === 'string') return given.length > 0;
  const { path, identity } = (typeof given === 'object' && given !== null ? given : {}) as Partial<PinnedPath>;
  return typeof path === 'string' && path.length > 0 && typeof identity?.dev === 'number' && typeof identity.ino === 'number';
}

/** A validation that failed in an unplanned way still refuses only its own job, with a message for the user. */
export function asInputError(error: unknown): QueueInputError {
  if (error instanceof QueueInputError) return error;
  return new QueueInputError('invalid_files', `The documents could not be checked, so nothing was queued (${String(error)}).`);
}
