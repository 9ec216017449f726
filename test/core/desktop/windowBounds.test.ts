import { describe, expect, it } from 'vitest';
import { MIN_WINDOW_SIZE, restorableBounds } from '../../../src/core/desktop/windowBounds';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const external = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('restorableBounds', () => {
  it('restores bounds that are on a display', () => {
    expect(restorableBounds({ x: 100, y: 80, width: 1000, height: 700 }, [laptop])).toEqual({ x: 100, y: 80, width: 1000, height: 700 });
    expect(restorableBounds({ x: 2000, y: 100, width: 1200, height: 800 }, [laptop, external])).toEqual({ x: 2000, y: 100, width: 1200, height: 800 });
  });

  it('refuses bounds on a monitor that is gone (window would open off-screen)', () => {
    expect(restorableBounds({ x: 2000, y: 100, width: 1200, height: 800 }, [laptop])).toBeNull();
    expect(restorableBounds({ x: 100, y: -500, width: 800, height: 600 }, [laptop])).toBeNull();
    // Only a sliver of the title bar visible is not enough.
    expect(restorableBounds({ x: 1430, y: 10, width: 800, height: 600 }, [laptop])).toBeNull();
  });

  it('clamps sizes to the minimum and to the largest display', () => {
    expect(restorableBounds({ x: 0, y: 0, width: 10, height: 10 }, [laptop])).toEqual({ x: 0, y: 0, ...MIN_WINDOW_SIZE });
    expect(restorableBounds({ x: 0, y: 0, width: 9000, height: 9000 }, [laptop])).toEqual({ x: 0, y: 0, width: 1440, height: 875 });
  });

  it('refuses garbage', () => {
    for (const saved of [undefined, null, 'x', {}, { x: 0, y: 0, width: NaN, height: 5 }, { x: 0, y: 0, width: -1, height: 5 }, { x: '0', y: 0, width: 800, height: 600 }]) {
      expect(restorableBounds(saved, [laptop])).toBeNull();
    }
    expect(restorableBounds({ x: 0, y: 0, width: 800, height: 600 }, [])).toBeNull();
  });
});
