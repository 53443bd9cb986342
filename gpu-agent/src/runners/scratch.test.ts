import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDir, sweepScratch } from './scratch.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('working folders of killed agents', () => {
  it('are swept; those of live agents and anything else are kept', async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-scratch-test'));
    const mine = await scratchDir('compose', root);
    const gone = `hearth-compose-${await deadPid()}-abc123`;
    await mkdir(join(root, gone));
    await mkdir(join(root, 'hearth-other-files'));
    await mkdir(join(root, 'someone-elses'));
    expect(await sweepScratch(root)).toEqual([gone]);
    expect((await readdir(root)).sort()).toEqual([mine.slice(root.length + 1), 'hearth-other-files', 'someone-elses'].sort());
  });
});
