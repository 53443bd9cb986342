// Renders the portal's app icons (web/public/icons/*.png) from web/public/icons/icon.svg.
// Run after changing the SVG: `node scripts/make-icons.mjs`; the PNGs are committed so builds need no sharp step.
import { readFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const svg = await readFile(here('../web/public/icons/icon.svg'));
await mkdir(here('../web/public/icons/'), { recursive: true });
for (const size of [180, 192, 512]) {
  await sharp(svg, { density: 300 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(here(`../web/public/icons/icon-${size}.png`));
}
