/**
 * Instruments the renderer page: a MutationObserver notes the page time at
 * which each stamped status message first appears in the DOM, and a
 * requestAnimationFrame loop records frame times. Installed through the
 * DevTools protocol (page.evaluate), which the page's CSP does not govern, so
 * the app's own CSP stays exactly as shipped.
 *
 * Page time (performance.now() in Chromium) is mapped onto the bench clock by
 * `calibrate`: the round trip with the smallest duration wins, and half of it
 * is the uncertainty of every emit → DOM figure.
 */
import type { Page } from 'playwright-core';
import { benchNow } from '../benchClock';

/**
 * The few browser globals the probe uses, declared here because the bench is
 * type-checked with the Node libs (no DOM lib in tsconfig.node.json).
 */
interface PageNode {
  nodeValue: string | null;
  textContent: string | null;
}
interface PageMutation {
  type: string;
  target: PageNode;
  addedNodes: Iterable<PageNode>;
}
interface ProbeWindow {
  __benchProbe?: {
    recording: boolean;
    seen: Set<string>;
    appeared: Array<[string, number]>;
    frames: number[];
  };
  document: { body: unknown };
  MutationObserver: new (callback: (mutations: PageMutation[]) => void) => { observe(target: unknown, options: Record<string, boolean>): void };
  requestAnimationFrame(callback: (time: number) => void): number;
}

export async function installProbe(page: Page): Promise<void> {
  // tsx compiles with esbuild's keepNames, which wraps named inner functions
  // in a `__name(fn, "name")` helper; a function serialized into the page
  // would then call a helper the page does not have.
  await page.evaluate('globalThis.__name ??= (fn) => fn');
  await page.evaluate(() => {
    const w = globalThis as unknown as ProbeWindow;
    const probe = { recording: false, seen: new Set<string>(), appeared: [] as Array<[string, number]>, frames: [] as number[] };
    w.__benchProbe = probe;
    const pattern = /bench@[\d.]+@[\d.]+/g;
    const note = (text: string | null, at: number) => {
      if (!text || !probe.recording) return;
      for (const match of text.match(pattern) ?? []) {
        if (probe.seen.has(match)) continue;
        probe.seen.add(match);
        probe.appeared.push([match, at]);
      }
    };
    new w.MutationObserver((mutations) => {
      const at = performance.now();
      for (const mutation of mutations) {
        if (mutation.type === 'characterData') note(mutation.target.nodeValue, at);
        else for (const node of mutation.addedNodes) note(node.textContent, at);
      }
    }).observe(w.document.body, { subtree: true, childList: true, characterData: true });
    const frame = (time: number) => {
      if (probe.recording) probe.frames.push(time);
      w.requestAnimationFrame(frame);
    };
    w.requestAnimationFrame(frame);
  });
}

export async function setRecording(page: Page, on: boolean): Promise<void> {
  await page.evaluate((value) => {
    const probe = (globalThis as unknown as ProbeWindow).__benchProbe!;
    probe.recording = value;
    if (value) {
      probe.appeared = [];
      probe.frames = [];
    }
  }, on);
}

export async function readProbe(page: Page): Promise<{ appeared: Array<[string, number]>; frames: number[] }> {
  return page.evaluate(() => {
    const probe = (globalThis as unknown as ProbeWindow).__benchProbe!;
    return { appeared: probe.appeared, frames: probe.frames };
  });
}

/** bench clock = page time + offset; `uncertaintyMs` is half the best round trip. */
export async function calibrate(page: Page, rounds = 30): Promise<{ offsetMs: number; uncertaintyMs: number }> {
  let best = { offsetMs: 0, roundTripMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < rounds; i += 1) {
    const before = benchNow();
    const pageTime = await page.evaluate(() => performance.now());
    const after = benchNow();
    if (after - before < best.roundTripMs) best = { offsetMs: (before + after) / 2 - pageTime, roundTripMs: after - before };
  }
  return { offsetMs: best.offsetMs, uncertaintyMs: best.roundTripMs / 2 };
}
