/**
 * V8 settings of a process that runs the engine: the core's own process
 * (main/host/coreHost.ts) and the CLI, applied first thing, before the engine
 * has made any object; and main when the engine runs there because its own
 * process could not start (main/openEngine.ts).
 *
 * Allocation-site pretenuring off. V8 watches where objects are made: when
 * nearly every object from one site survives a young-generation collection,
 * it allocates that site's later objects in the old generation directly, and
 * keeps that decision for the life of the process. The engine's start makes
 * exactly that happen — following a thousand jobs makes a thousand states and
 * keeps them all — and the same sites then make each status update's
 * short-lived objects (the checked frame, the job's next state). From then on
 * every update went to the old generation and stayed there until a full
 * collection. Measured with 1,000 jobs at 10,000 updates/s over 75,000
 * updates (the fan-out figure's receiver): the heap grew 36 MB instead of
 * 5 MB and young-generation pauses added up to 103 ms instead of 37 ms; with
 * the engine in main's process (the main-loop figure's "before"), main's CPU
 * was 65–70 % of a core instead of 51–52 %.
 *
 * Main does not apply them otherwise: its job mirror showed the same
 * young-generation pauses with them and without.
 */
import { setFlagsFromString } from 'node:v8';

export function applyEngineV8Flags(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
