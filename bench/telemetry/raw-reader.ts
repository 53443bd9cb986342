/** Anchor: the same nvidia-smi stream read line by line, without parsing or publishing anything. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [bin, ...args] = process.argv.slice(2);
const child = spawn(bin!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
let lines = 0;
createInterface({ input: child.stdout }).on('line', () => lines++);
process.on('SIGTERM', () => {
  child.kill();
  process.stdout.write(`${lines}\n`);
  process.exit(0);
});
