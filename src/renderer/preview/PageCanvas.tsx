/** Draws a page image on a canvas at its pixel size; CSS scales it to fit. */
import { useCallback } from 'react';
import type { PageImage } from './documentPages';

export function PageCanvas({ image, className, label }: { image: PageImage; className?: string; label?: string }) {
  // A ref callback, not an effect: it runs when the canvas (or the image) is new, and draws once.
  const draw = useCallback(
    (canvas: HTMLCanvasElement | null) => {
      if (!canvas) return;
      canvas.width = image.width;
      canvas.height = image.height;
      try {
        canvas.getContext('2d')?.drawImage(image.source, 0, 0);
      } catch {
        // The image was released meanwhile (a newer drop replaced it): the next render draws the new one.
      }
    },
    [image],
  );
  return label ? <canvas ref={draw} className={className} role="img" aria-label={label} /> : <canvas ref={draw} className={className} aria-hidden="true" />;
}
