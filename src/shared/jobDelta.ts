/**
 * What crosses from main to the page for a job: the whole job the first time
 * the page sees it, then only the fields that changed (a patch). Generic on
 * purpose: it walks whatever fields a job has, so a field added to QueueJob
 * travels without a change here. Plain objects are compared field by field
 * (a status update changes `server.message` and `server.seq`, not the whole
 * server state); anything else (arrays, values) is replaced whole when it is
 * not the same value.
 */
import type { QueueChange, QueueJob } from './queueJob';

/** One changed field: `path` into the job, and its new value, or `removed` when the field is gone. */
export type FieldChange = { path: string[]; value: unknown } | { path: string[]; removed: true };

export type JobDelta = QueueChange | { type: 'patch'; id: string; fields: FieldChange[] };

/** The fields of `next` that differ from `prev`; empty when nothing changed. */
export function diffJob(prev: QueueJob, next: QueueJob): FieldChange[] {
  const out: FieldChange[] = [];
  diffObjects(prev as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>, [], out);
  return out;
}

function diffObjects(prev: Record<string, unknown>, next: Record<string, unknown>, path: string[], out: FieldChange[]): void {
  for (const key of Object.keys(next)) {
    const before = prev[key];
    const after = next[key];
    if (before === after) continue;
    if (isPlainObject(before) && isPlainObject(after)) diffObjects(before, after, [...path, key], out);
    // Here `before` is not undefined (that was `before === after`): the field was there and is gone.
    else if (after === undefined) out.push({ path: [...path, key], removed: true });
    else out.push({ path: [...path, key], value: after });
  }
  for (const key of Object.keys(prev)) if (!(key in next)) out.push({ path: [...path, key], removed: true });
}

/**
 * A new job with `fields` applied; `job` is not changed. Every object on a changed path is copied once per
 * patch, not once per field: a status update changes several fields of `server`, and main's mirror and the
 * page apply thousands of them a second.
 */
export function applyJobPatch(job: QueueJob, fields: readonly FieldChange[]): QueueJob {
  const root: Record<string, unknown> = { ...job };
  const copies = new Set<object>();
  for (const change of fields) {
    let target = root;
    for (let depth = 0; depth < change.path.length - 1; depth += 1) {
      const key = change.path[depth] as string;
      const inner = target[key];
      if (isPlainObject(inner) && copies.has(inner)) {
        target = inner;
        continue;
      }
      const copy = isPlainObject(inner) ? { ...inner } : {};
      copies.add(copy);
      target[key] = copy;
      target = copy;
    }
    const last = change.path.at(-1);
    if (last === undefined) continue;
    if ('removed' in change) delete target[last];
    else target[last] = change.value;
  }
  return root as unknown as QueueJob;
}

/**
 * Deltas as whole-job changes, against the jobs the page holds (`current`). Patches of one job
 * in the same batch build on each other; a patch for a job the page does not have is dropped
 * (it can only follow a remove).
 */
export function resolveDeltas(deltas: readonly JobDelta[], current: (id: string) => QueueJob | undefined): QueueChange[] {
  const resolved = new Map<string, QueueChange>();
  for (const delta of deltas) {
    const id = delta.type === 'upsert' ? delta.job.id : delta.id;
    if (delta.type !== 'patch') {
      resolved.delete(id); // re-insert: the order follows the latest change
      resolved.set(id, delta);
      continue;
    }
    const earlier = resolved.get(id);
    const base = earlier === undefined ? current(id) : earlier.type === 'upsert' ? earlier.job : undefined;
    if (base === undefined) continue;
    resolved.delete(id);
    resolved.set(id, { type: 'upsert', job: applyJobPatch(base, delta.fields) });
  }
  return [...resolved.values()];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
