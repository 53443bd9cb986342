import { useEffect, useRef } from 'preact/hooks';
import { thumbnailUrl } from '../api.js';
import type { MediaView } from '../types.js';
import { useT } from '../i18n/i18n.js';

/** Drop an image for good: no handlers, no source, out of the DOM — the decoded bitmap can go. */
function release(img: HTMLImageElement): void {
  img.onload = null;
  img.onerror = null;
  img.removeAttribute('src');
  img.remove();
}

/** What it is (a creation's title), who made it and when: the caption under a picture in the photo frame. */
export function caption(item: MediaView, locale: string | undefined): string {
  const when = new Date(item.createdAt).toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric' });
  return [item.jobTitle, item.ownerName, when].filter(Boolean).join(' · ');
}

/**
 * Family pictures at screen size. Managed by hand rather than by Preact so at most three images
 * exist at any moment (the one fading out, the one shown, the one loading): months of rotation
 * must not creep. As a photo frame (`frame`) each picture fills the screen, drifts slowly (Ken
 * Burns) and says who made it.
 */
export function Slideshow({ slides, intervalMs, frame = false, locale }: { slides: MediaView[]; intervalMs: number; frame?: boolean; locale?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const label = useRef<HTMLDivElement>(null);
  const t = useT();
  useEffect(() => {
    const el = box.current;
    if (!el || slides.length === 0) return;
    let current: HTMLImageElement | null = null;
    let loading: HTMLImageElement | null = null;
    let fading: HTMLImageElement | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let fadeTimer: ReturnType<typeof setTimeout> | undefined;
    let next = 0;
    let rotations = 0;
    const fadeMs = Math.min(1500, intervalMs / 2);
    const advance = () => {
      const item = slides[next++ % slides.length]!;
      const img = new Image();
      img.className = frame ? `slide kb-${rotations % 4}` : 'slide';
      img.alt = '';
      img.decoding = 'async';
      if (frame) img.style.cssText = `--fade:${fadeMs}ms;--kb:${intervalMs + fadeMs * 2}ms`;
      loading = img;
      img.onload = () => {
        loading = null;
        el.appendChild(img);
        if (frame) {
          // The old picture stays under the new one while it fades in, then goes.
          if (fading) release(fading);
          fading = current;
          clearTimeout(fadeTimer);
          fadeTimer = setTimeout(() => {
            if (fading) release(fading);
            fading = null;
          }, fadeMs);
          if (label.current) label.current.textContent = caption(item, locale);
        } else if (current) release(current);
        current = img;
        el.dataset.rotations = String(++rotations);
        el.dataset.shown = item.id;
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
      clearTimeout(fadeTimer);
      for (const img of [loading, fading, current]) if (img) release(img);
    };
  }, [slides, intervalMs, frame, locale]);
  if (slides.length === 0)
    return (
      <div class="tile-empty" data-tile="slideshow">
        {t('slides.none')}
      </div>
    );
  if (!frame) return <div class="slideshow" data-tile="slideshow" ref={box} />;
  return (
    <div class="slideshow frame" data-tile="slideshow" ref={box}>
      <div class="caption" ref={label} />
    </div>
  );
}
