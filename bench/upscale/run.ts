/**
 * Seconds per 128-px ESRGAN-slim tile on the TensorFlow.js WASM backend, against the pure-JS
 * `cpu` backend (the anchor), measured in the same run. Both run as the agent runs them: in the
 * runtime's worker thread, one message round trip per tile.
 *   node --import tsx bench/upscale/run.ts [wasmTiles=10] [cpuTiles=2]
 */
import { cpus } from 'node:os';
import sharp from 'sharp';
import { TfjsRuntime, type TfjsBackendName } from '../../gpu-agent/src/runners/builtin/tfjs/runtime.js';
import { EsrganModels, type EsrganScale } from '../../gpu-agent/src/runners/builtin/upscale/esrgan-models.js';
import { upscalePixels } from '../../gpu-agent/src/runners/builtin/upscale/upscale-pixels.js';

const TILE = 128;
const [wasmTiles = 10, cpuTiles = 2] = process.argv.slice(2).map(Number);

async function tilePhoto() {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${TILE}">
    <defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="#3a7bd5"/><stop offset="1" stop-color="#f0c27b"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="80" cy="40" r="24" fill="#fff3b0"/>
    <polygon points="0,128 50,60 100,128" fill="#2e5e3a"/></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function measure(backend: TfjsBackendName, scale: EsrganScale, tiles: number) {
  const runtime = new TfjsRuntime(backend);
  const models = new EsrganModels(runtime);
  const loadStart = performance.now();
  await models.load(scale);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const image = await tilePhoto();
  const network = (pixels: Float32Array, width: number, height: number) => models.upscaleTile(scale, pixels, width, height);
  const once = () => upscalePixels(network, image, { scale, tileSize: TILE, pad: 0, signal: new AbortController().signal });
  await once(); // warm-up: first inference compiles kernels and allocates
  const start = performance.now();
  for (let i = 0; i < tiles; i++) await once();
  const perTile = (performance.now() - start) / 1000 / tiles;
  await runtime.close();
  return { loadSeconds, perTile };
}

console.log(`ESRGAN-slim, ${TILE}x${TILE} input tile, Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? '?'})`);
const wasm2 = await measure('wasm', 2, wasmTiles);
console.log(`wasm x2: model load ${wasm2.loadSeconds.toFixed(2)} s, ${wasm2.perTile.toFixed(3)} s/tile (${wasmTiles} tiles)`);
const wasm4 = await measure('wasm', 4, wasmTiles);
console.log(`wasm x4: model load ${wasm4.loadSeconds.toFixed(2)} s, ${wasm4.perTile.toFixed(3)} s/tile (${wasmTiles} tiles)`);
const cpu2 = await measure('cpu', 2, cpuTiles);
console.log(`cpu  x2: model load ${cpu2.loadSeconds.toFixed(2)} s, ${cpu2.perTile.toFixed(3)} s/tile (${cpuTiles} tiles) [anchor]`);
console.log(`ratio (cpu anchor / wasm), x2 tile: ${(cpu2.perTile / wasm2.perTile).toFixed(1)}x faster on wasm`);
