/**
 * Where keyboard focus goes when the element that had it is gone and no
 * nearer neighbour exists: the page's main action (the header's "Add
 * documents", marked `data-focus-fallback`). Never the page body, where a
 * keyboard user would have to start again from the top.
 */
export function focusFallback(): void {
  document.querySelector<HTMLElement>('[data-focus-fallback]')?.focus();
}

/** True when focus has fallen back to the page (its element was removed or disabled). */
export function focusIsLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}
