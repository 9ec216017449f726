/**
 * The process the crash test kills: opens the journal in `dir`, then makes
 * changes `from`..CHANGES-1 (each saved with its changes, as the queue saves),
 * printing `ack <i>` once save(i) resolved (durable).
 * From change `killAt` on it SIGKILLs itself just before or just after its
 * `step`-th file-system call (open, write, sync, rename… each is a
 * step, counted before and after): a deterministic point inside an append or
 * a compaction. The store is not changed: node:fs/promises and node:fs's
 * callback calls are only watched.
 * Usage: node journalCrashChild.mjs <dir> <from> <killAt> <step> <minCompactBytes>
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { createJournalQueueStore } from '../../../src/core/persistence/journalQueueStore';
import { allStates, CHANGES, changesAt } from './journalCrashModel';

const [dir, from, killAt, step, minCompactBytes] = process.argv.slice(2);
let armed = false;
let stepsLeft = Number(step);
const tick = () => {
  if (armed && stepsLeft-- <= 0) process.kill(process.pid, 'SIGKILL');
};
const watch = <T extends object>(target: T, names: string[]): void => {
  for (const name of names) {
    const real = (target as Record<string, unknown>)[name] as (...args: unknown[]) => Promise<unknown>;
    (target as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      tick();
      const result = await real.apply(target, args);
      tick();
      if (name === 'open') watch(result as object, ['writeFile', 'sync', 'datasync', 'truncate', 'close']);
      return result;
    };
  }
};
watch(fs.promises, ['open', 'rename', 'mkdir', 'unlink']);
// The journal's own descriptor (kept open between appends) goes through node:fs's callback calls.
for (const name of ['open', 'write', 'fdatasync', 'close']) {
  const real = (fs as unknown as Record<string, (...args: unknown[]) => void>)[name]!;
  (fs as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    tick();
    const callback = args.pop() as (...results: unknown[]) => void;
    real.apply(fs, [...args, (...results: unknown[]) => (tick(), callback(...results))]);
  };
}
syncBuiltinESMExports();

const states = allStates();
const store = createJournalQueueStore(dir!, { minCompactBytes: Number(minCompactBytes) });
await store.load();
for (let i = Number(from); i < CHANGES; i += 1) {
  // Armed from that change on: a step beyond its save's last lands in the next save.
  if (i === Number(killAt)) armed = true;
  await store.save(states[i + 1]!, changesAt(states, i));
  process.stdout.write(`ack ${i}\n`);
}
process.stdout.write('done\n');
