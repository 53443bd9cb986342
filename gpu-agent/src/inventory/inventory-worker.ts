import { parentPort } from 'node:worker_threads';
import { gatherInventory } from './gather.js';

const warnings: string[] = [];
parentPort!.postMessage({ inventory: await gatherInventory((w) => warnings.push(w)), warnings });
