/**
 * The engine processes' V8 settings take effect when applied at run time
 * (core/host/engineV8Flags.ts). Each case runs in a fresh Node process, the
 * way the core's own process and the CLI start: a phase that keeps every
 * object made at one site (as following many jobs does), then many
 * short-lived objects from the same site (as status updates are). With
 * pretenuring on, V8 moves that site to the old generation and the
 * short-lived objects pile up there; with the engine's settings they die
 * young.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MODULE = path.join(REPO, 'src/core/host/engineV8Flags.ts');

const WORKLOAD = (apply: boolean) => `
import { getHeapSpaceStatistics } from 'node:v8';
import { applyEngineV8Flags } from ${JSON.stringify(MODULE)};
if (${apply}) applyEngineV8Flags();
const oldSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_used_size;
function state(i) { return { id: i, status: 'processing', message: 'm', n: i }; }
function keep(count) { const kept = []; for (let i = 0; i < count; i++) kept.push(state(i)); return kept; }
function churn(count) { let last; for (let i = 0; i < count; i++) last = state(i); return last; }
const kept = keep(400000);
const before = oldSpace();
const last = churn(3000000);
process.stdout.write(JSON.stringify({ grewBy: oldSpace() - before, check: last.id + kept.length }));
`;

/**
 * A young generation at its full size from the start: V8 decides to pretenure
 * only after a collection of a full-size young generation, and how soon it
 * grows to that size depends on whatever else the process did first.
 */
const FULL_YOUNG_GENERATION = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

async function oldSpaceGrowth(apply: boolean): Promise<number> {
  const { stdout } = await run(process.execPath, [...FULL_YOUNG_GENERATION, '--import', 'tsx', '--input-type=module', '-e', WORKLOAD(apply)], { cwd: REPO });
  const { grewBy, check } = JSON.parse(stdout) as { grewBy: number; check: number };
  expect(check).toBe(2_999_999 + 400_000);
  return grewBy;
}

describe('engine V8 flags', () => {
  it('keep short-lived objects out of the old generation after a phase that kept everything', async () => {
    const [without, withFlags] = await Promise.all([oldSpaceGrowth(false), oldSpaceGrowth(true)]);
    // Without them the site is pretenured: some 160 MiB of dead states in the old generation (with them, about 9).
    expect(without).toBeGreaterThan(64 * 2 ** 20);
    expect(withFlags).toBeLessThan(without / 4);
  }, 60_000);
});
