/**
 * WCAG 1.4.11 (non-text contrast, 3:1), which axe does not check: the focus
 * ring against what surrounds it, and an input's border against its fill.
 */
import type { Page } from 'playwright-core';

export interface ContrastReading {
  what: string;
  ratio: number;
}

/** Focuses `selector` the keyboard way (so :focus-visible applies) and measures its ring. */
export async function focusRingContrast(page: Page, selector: string): Promise<ContrastReading> {
  await page.locator(selector).first().focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  return page.evaluate(measure, { selector, kind: 'focus' as const });
}

export function borderContrast(page: Page, selector: string): Promise<ContrastReading> {
  return page.evaluate(measure, { selector, kind: 'border' as const });
}

/** Runs in the page: self-contained. */
function measure({ selector, kind }: { selector: string; kind: 'focus' | 'border' }): ContrastReading {
  const parse = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
  const luminance = (css: string) => {
    const [r = 0, g = 0, b = 0] = parse(css).map((v) => v / 255);
    const f = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const opaque = (css: string) => (parse(css)[3] ?? 1) > 0;
  const backgroundOf = (start: Element | null) => {
    for (let el = start; el !== null; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (opaque(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const el = kind === 'focus' ? document.activeElement : document.querySelector(selector);
  if (el === null || !el.matches(selector) || (kind === 'focus' && !el.matches(':focus-visible'))) return { what: `${selector}: not shown focused`, ratio: 0 };
  const style = getComputedStyle(el);
  const line = kind === 'focus' ? (style.outlineStyle === 'none' ? 'rgba(0, 0, 0, 0)' : style.outlineColor) : style.borderTopColor;
  // An inset ring sits on the element's own fill, an outset one on its surroundings; a border lies between the fill and the surroundings.
  const against = kind === 'focus' && parseFloat(style.outlineOffset) >= 0 ? backgroundOf(el.parentElement) : backgroundOf(el);
  if (!opaque(line)) return { what: `${selector}: no ${kind === 'focus' ? 'outline' : 'border'}`, ratio: 0 };
  const [a, b] = [luminance(line), luminance(against)];
  return { what: `${selector}: ${line} on ${against}`, ratio: Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100 };
}
