/**
 * The broker benchmark's agent stand-in, in its own process like a real gpu-agent: takes jobs
 * and finishes them at once, storing a result beside bee-queue as agents do.
 *
 *   (forked by run.ts) worker.ts <redisUrl> <queue> <concurrency>
 */
import Queue from 'bee-queue';
import { Redis } from 'ioredis';
import { WORKER_QUEUE_SETTINGS, brokerResultsKey, type BrokerJobData } from '@hearth/protocol';
import { clock, type FromWorker, type ToWorker } from './messages.js';

const [redisUrl, name, concurrency] = process.argv.slice(2) as [string, string, string];
const send = (m: FromWorker) => process.send!(m);
let notify = false;

const results = new Redis(redisUrl);
const q = new Queue<BrokerJobData>(name, { ...WORKER_QUEUE_SETTINGS, redis: { url: redisUrl } as never, isWorker: true, getEvents: false });
q.process(Number(concurrency), async (job) => {
  if (notify) send({ event: 'started', id: job.id, at: clock() });
  const result = { artifacts: [] };
  await results.hset(brokerResultsKey(name), job.id, JSON.stringify(result));
  return result;
});
await q.ready();
process.on('message', (m: ToWorker) => {
  if (m.cmd === 'notify') notify = m.on;
  if (m.cmd === 'close') {
    void q.close(5000).then(() => {
      results.disconnect();
      process.disconnect();
    });
  }
});
send({ event: 'ready' });
