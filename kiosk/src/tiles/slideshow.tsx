import { useEffect, useRef } from 'preact/hooks';
import { thumbnailUrl } from '../api.js';
import type { MediaView } from '../types.js';

/** Drop an image for good: no handlers, no source, out of the DOM — the decoded bitmap can go. */
function release(img: HTMLImageElement): void {
  img.onload = null;
  img.onerror = null;
  img.removeAttribute('src');
  img.remove();
}

/**
 * Family pictures at screen size. Managed by hand rather than by Preact so at most two images
 * exist at any moment (the one shown and the one loading): months of rotation must not creep.
 */
export function Slideshow({ slides, intervalMs }: { slides: MediaView[]; intervalMs: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || slides.length === 0) return;
    let current: HTMLImageElement | null = null;
    let loading: HTMLImageElement | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let next = 0;
    let rotations = 0;
    const advance = () => {
      const item = slides[next++ % slides.length]!;
      const img = new Image();
      img.className = 'slide';
      img.alt = '';
      img.decoding = 'async';
      loading = img;
      img.onload = () => {
        loading = null;
        el.appendChild(img);
        if (current) release(current);
        current = img;
        el.dataset.rotations = String(++rotations);
        timer = setTimeout(advance, intervalMs);
      };
      img.onerror = () => {
        loading = null;
        release(img);
        timer = setTimeout(advance, intervalMs);
      };
      img.src = thumbnailUrl(item.id);
    };
    advance();
    return () => {
      clearTimeout(timer);
      if (loading) release(loading);
      if (current) release(current);
    };
  }, [slides, intervalMs]);
  if (slides.length === 0) return <div class="tile-empty" data-tile="slideshow">No pictures for the wall yet</div>;
  return <div class="slideshow" data-tile="slideshow" ref={box} />;
}
