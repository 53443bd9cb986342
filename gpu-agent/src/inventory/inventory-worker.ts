import { parentPort } from 'node:worker_threads';
import { gatherInventory } from './inventory.js';

const warnings: string[] = [];
parentPort!.postMessage({ inventory: await gatherInventory((w) => warnings.push(w)), warnings });
