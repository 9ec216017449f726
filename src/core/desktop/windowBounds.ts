/**
 * Restoring the window where the user left it — unless that place no longer
 * exists (a monitor was unplugged, the resolution changed), which would open
 * the window off-screen where nobody can reach it.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const MIN_WINDOW_SIZE = { width: 640, height: 420 } as const;
/** How much of the window (its title bar region) must be on some display. */
const MIN_VISIBLE = { width: 120, height: 40 } as const;

/** The saved bounds if still usable on these displays (their work areas), else null (let the OS place it). */
export function restorableBounds(saved: unknown, workAreas: readonly Rect[]): Rect | null {
  if (!isRect(saved) || workAreas.length === 0) return null;
  const maxWidth = Math.max(...workAreas.map((a) => a.width));
  const maxHeight = Math.max(...workAreas.map((a) => a.height));
  const bounds: Rect = {
    x: Math.round(saved.x),
    y: Math.round(saved.y),
    width: Math.round(Math.min(Math.max(saved.width, MIN_WINDOW_SIZE.width), maxWidth)),
    height: Math.round(Math.min(Math.max(saved.height, MIN_WINDOW_SIZE.height), maxHeight)),
  };
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: MIN_VISIBLE.height };
  const visible = workAreas.some((area) => {
    const overlap = intersection(titleBar, area);
    return overlap !== null && overlap.width >= Math.min(MIN_VISIBLE.width, bounds.width) && overlap.height >= MIN_VISIBLE.height;
  });
  return visible ? bounds : null;
}

function isRect(value: unknown): value is Rect {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((k) => typeof r[k] === 'number' && Number.isFinite(r[k])) && (r.width as number) > 0 && (r.height as number) > 0;
}

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}
