import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * The doorbell camera over the whole wall, through the appliance (HA's token stays there): HA's
 * MJPEG stream first; if that fails (a camera without a stream, a proxy that buffers), a fresh
 * snapshot about every second, the next asked for only when the last has loaded, so a slow camera
 * never piles requests up. A failed picture keeps the last good one: never an error on the wall.
 */
export function DoorbellView({ camera, refreshMs = 1000 }: { camera: string; refreshMs?: number }) {
  const img = useRef<HTMLImageElement>(null);
  const [mode, setMode] = useState<'stream' | 'snapshots'>('stream');
  useEffect(() => {
    const el = img.current;
    if (!el) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (mode === 'stream') {
      el.onerror = () => setMode('snapshots');
      el.src = `/api/kiosk/camera/stream?c=${encodeURIComponent(camera)}`;
    } else {
      let n = 0;
      const next = () => {
        timer = setTimeout(() => {
          el.src = `/api/kiosk/camera?n=${++n}`;
        }, refreshMs);
      };
      el.onload = next;
      el.onerror = next;
      el.src = `/api/kiosk/camera?n=${n}`;
    }
    return () => {
      clearTimeout(timer);
      el.onload = null;
      el.onerror = null;
      // Dropping the source closes the stream, and the appliance closes HA's.
      el.removeAttribute('src');
    };
  }, [camera, refreshMs, mode]);
  return (
    <div class="doorbell" data-camera={camera} data-mode={mode}>
      <img ref={img} alt="" />
    </div>
  );
}
