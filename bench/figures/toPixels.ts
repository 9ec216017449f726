/** Figure 2 — to pixels (filled in once the renderer's test bridge lands). */
import type { Figure } from '../figure';

export const toPixelsFigure: Figure = {
  id: 'pixels',
  title: 'status update → DOM in headless Chromium, and frame times',
  run: async () => {
    throw new Error('not written yet: waits for test/support/testBridge.ts');
  },
};
