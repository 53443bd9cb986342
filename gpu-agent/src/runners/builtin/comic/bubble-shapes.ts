import type { BubbleKind } from '@hearth/protocol';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** A bubble's outline: `body` and `tail` are drawn stroked, then filled, so they read as one shape. */
export interface BubbleShape {
  body: string;
  tail: string;
  /** Where the text may go, inside the outline. */
  textBox: Box;
}

const f = (n: number) => n.toFixed(1);

/** Share of the bubble's box the text may use, per shape (an ellipse holds less than a box). */
const TEXT_SHARE: Record<BubbleKind, number> = { speech: 0.74, thought: 0.66, caption: 0.9, shout: 0.6 };

export function bubbleShape(kind: BubbleKind, box: Box, target: Point | null): BubbleShape {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const rx = box.width / 2;
  const ry = box.height / 2;
  const share = TEXT_SHARE[kind];
  const textBox = { x: cx - rx * share, y: cy - ry * share, width: box.width * share, height: box.height * share };
  switch (kind) {
    case 'caption':
      return { body: `M${f(box.x)},${f(box.y)}H${f(box.x + box.width)}V${f(box.y + box.height)}H${f(box.x)}Z`, tail: '', textBox };
    case 'speech':
      return { body: ellipse(cx, cy, rx, ry), tail: target ? wedge(cx, cy, rx, ry, target, 0.1) : '', textBox };
    case 'shout':
      return { body: starburst(cx, cy, rx, ry), tail: target ? wedge(cx, cy, rx * 0.85, ry * 0.85, target, 0.08) : '', textBox };
    case 'thought':
      return { body: cloud(cx, cy, rx, ry), tail: target ? thoughtDots(cx, cy, rx, ry, target) : '', textBox };
  }
}

function ellipse(cx: number, cy: number, rx: number, ry: number): string {
  return `M${f(cx - rx)},${f(cy)}A${f(rx)},${f(ry)} 0 1,0 ${f(cx + rx)},${f(cy)}A${f(rx)},${f(ry)} 0 1,0 ${f(cx - rx)},${f(cy)}Z`;
}

/** Point on the ellipse in the direction of angle `a`. */
const onEllipse = (cx: number, cy: number, rx: number, ry: number, a: number): Point => ({ x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) });

/** Whether the target lies outside the ellipse: only then is there room for a tail. */
const outside = (cx: number, cy: number, rx: number, ry: number, t: Point) => ((t.x - cx) / rx) ** 2 + ((t.y - cy) / ry) ** 2 > 1;

/** A pointed tail from inside the body to the target; its base is a share of the body's smaller radius. */
function wedge(cx: number, cy: number, rx: number, ry: number, target: Point, base: number): string {
  if (!outside(cx, cy, rx, ry, target)) return '';
  const a = Math.atan2((target.y - cy) / ry, (target.x - cx) / rx);
  const spread = base * Math.PI * 0.5;
  // The base starts a little inside the body, so the fill covers the seam.
  const p1 = onEllipse(cx, cy, rx * 0.9, ry * 0.9, a - spread);
  const p2 = onEllipse(cx, cy, rx * 0.9, ry * 0.9, a + spread);
  return `M${f(p1.x)},${f(p1.y)}L${f(target.x)},${f(target.y)}L${f(p2.x)},${f(p2.y)}Z`;
}

/** Jagged: points alternating between the ellipse and a smaller one. */
function starburst(cx: number, cy: number, rx: number, ry: number): string {
  const spikes = 14;
  const pts: string[] = [];
  for (let i = 0; i < spikes * 2; i++) {
    const a = (i / (spikes * 2)) * Math.PI * 2;
    const r = i % 2 === 0 ? 1 : 0.78;
    const p = onEllipse(cx, cy, rx * r, ry * r, a);
    pts.push(`${f(p.x)},${f(p.y)}`);
  }
  return `M${pts.join('L')}Z`;
}

/** A cloud: arcs bulging outwards between points on an ellipse. */
function cloud(cx: number, cy: number, rx: number, ry: number): string {
  const bumps = 10;
  const inner = 0.86;
  const pts = Array.from({ length: bumps }, (_, i) => onEllipse(cx, cy, rx * inner, ry * inner, (i / bumps) * Math.PI * 2));
  const bump = Math.min(rx, ry) * 0.32;
  let d = `M${f(pts[0]!.x)},${f(pts[0]!.y)}`;
  pts.forEach((_, i) => {
    const b = pts[(i + 1) % bumps]!;
    d += `A${f(bump)},${f(bump)} 0 0,1 ${f(b.x)},${f(b.y)}`;
  });
  return `${d}Z`;
}

/** A thought's tail: three shrinking circles from the cloud toward the target. */
function thoughtDots(cx: number, cy: number, rx: number, ry: number, target: Point): string {
  if (!outside(cx, cy, rx, ry, target)) return '';
  const a = Math.atan2((target.y - cy) / ry, (target.x - cx) / rx);
  const start = onEllipse(cx, cy, rx, ry, a);
  const r0 = Math.min(rx, ry) * 0.16;
  return [0.25, 0.6, 0.9]
    .map((t, i) => {
      const x = start.x + (target.x - start.x) * t;
      const y = start.y + (target.y - start.y) * t;
      const r = r0 * (1 - i * 0.3);
      return `M${f(x - r)},${f(y)}A${f(r)},${f(r)} 0 1,0 ${f(x + r)},${f(y)}A${f(r)},${f(r)} 0 1,0 ${f(x - r)},${f(y)}Z`;
    })
    .join('');
}
