import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, 'fixtures/nvidia-smi');
/** The stand-in nvidia-smi, runnable as a binary path. */
export const STANDIN_NVIDIA_SMI = join(here, 'standins/nvidia-smi');
export const REPO_ROOT = join(here, '../..');

export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
