import { useEffect, useRef } from 'preact/hooks';

/**
 * The doorbell camera over the whole wall: a fresh snapshot through the appliance about every
 * second (the next one is asked for only when the last has loaded, so a slow camera never piles
 * requests up). A failed picture keeps the last good one: never an error on the wall.
 */
export function DoorbellView({ camera, refreshMs = 1000 }: { camera: string; refreshMs?: number }) {
  const img = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const el = img.current;
    if (!el) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let n = 0;
    const next = () => { timer = setTimeout(() => { el.src = `/api/kiosk/camera?n=${++n}`; }, refreshMs); };
    el.onload = next;
    el.onerror = next;
    el.src = `/api/kiosk/camera?n=${n}`;
    return () => {
      clearTimeout(timer);
      el.onload = null;
      el.onerror = null;
      el.removeAttribute('src');
    };
  }, [camera, refreshMs]);
  return (
    <div class="doorbell" data-camera={camera}>
      <img ref={img} alt="" />
    </div>
  );
}
