/**
 * Replay and live projection of the read models on the embedded servers (each in its own
 * process, EventStoreDB on a SQLite file as `npm start` runs it):
 *   npm run bench:replay                       (--events=1000000 by default)
 *   npm run bench:replay -- --events=200000 --lag-seconds=20 --write-rate=300 --batch-size=1000
 *   npm run bench:replay -- --events=100000 --lag-seconds=0 --cpu-prof=/tmp/replay.cpuprofile
 *     (--cpu-prof: a CPU profile of this process during the replay phase only, via node:inspector)
 * 1. appends a seeded random history (users, questions, answers, comments, votes, edits...),
 * 2. replays it into fresh read models as `npm run replay` does: events/s (target 20,000),
 * 3. runs the projector live while writers append at a steady rate and measures the lag from
 *    each append's acknowledgement to the checkpoint reaching it: p99 (target 200 ms).
 */
import { Worker } from 'node:worker_threads';
import type { Position } from '@qa/event-store';
import { CHECKPOINTS_COLLECTION, activeVersion, checkpointName } from '@qa/read-models';
import { historyStream } from '../libs/read-models/src/testing/history.generator';
import { buildOnce, percentile } from '../libs/read-models/src/testing/embedded-processes';
import { formatProgress, replayReadModels } from '../apps/projector/src/read-model.replay';
import { ReadModelProjector } from '../apps/projector/src/read-model.projector';
import { cpuMeter, startReadSideServers } from './support/read-side';
import { profiled } from './support/cpu-profile';
import { appendHistory, appendOne } from './support/history';
import { loadAverage } from './support/server-process';
import { arg, hasArg } from './support/args';

const EVENTS = arg('events', 1_000_000);
const LAG_SECONDS = arg('lag-seconds', 20);
const WRITE_RATE = arg('write-rate', 200);
/** Events per replay batch; `undefined` keeps `npm run replay`'s own default. */
const BATCH_SIZE = hasArg('batch-size') ? arg('batch-size', 0) : undefined;
/** Pings MongoDB every 20 ms until told to stop, then answers the longest round trip. */
const PINGER = `
const { parentPort, workerData } = require('node:worker_threads');
const { MongoClient } = require('mongodb');
(async () => {
  const client = await new MongoClient(workerData, { connectTimeoutMS: 0 }).connect();
  let stop = false;
  let longest = 0;
  parentPort.once('message', () => (stop = true));
  while (!stop) {
    const sent = performance.now();
    await client.db('admin').command({ ping: 1 });
    longest = Math.max(longest, performance.now() - sent);
    await new Promise((r) => setTimeout(r, 20));
  }
  await client.close();
  parentPort.postMessage(longest);
})();
`;

async function main(): Promise<void> {
  console.log(`bench:replay: ${EVENTS} events; load average ${loadAverage()}`);
  buildOnce();
  const servers = await startReadSideServers('replay');
  const { store, db } = servers;
  try {
    const history = historyStream(20251125);
    await appendHistory(store, history, { count: EVENTS });

    const cpu = cpuMeter(servers);
    // What a reader of the served version sees meanwhile: the longest wait for a ping to
    // MongoDB (the embedded server answers nobody while it runs one command), timed on a
    // thread of its own, since the replay's folds hold this one.
    const pinger = new Worker(PINGER, { eval: true, workerData: servers.mongoUrl });
    const longestPing = new Promise<number>((resolve) => pinger.once('message', resolve));
    const result = await profiled(() =>
      replayReadModels({ db, eventStore: store, batchSize: BATCH_SIZE, graceMs: 0, onProgress: (p) => console.log(`  ${formatProgress(p)}`) }),
    );
    console.log(`replay: ${result.events} events in ${result.seconds.toFixed(1)} s (indexes: ${result.indexSeconds.toFixed(1)} s) = ${result.eventsPerSecond} events/s (target >= 20000) ${result.eventsPerSecond >= 20000 ? 'ok' : 'MISSED'}`);
    console.log(`replay CPU per event: ${cpu(result.events, 'us')}; load average ${loadAverage()}`);
    pinger.postMessage('stop');
    console.log(`longest wait for a MongoDB ping during the replay: ${(await longestPing).toFixed(0)} ms`);

    // Live: the projector follows the replayed version while writers append at a steady pace.
    const projector = new ReadModelProjector({ db, eventStore: store, batchSize: 500 });
    await projector.start();
    await projector.waitUntilCaughtUp(600_000);
    const version = await activeVersion(db);
    const checkpoints = db.collection<{ _id: string; commit: string }>(CHECKPOINTS_COLLECTION);
    const waiting: Array<{ position: Position; at: number }> = [];
    const lags: number[] = [];
    /** Seconds into the window of the appends whose lag missed the target. */
    const lateAt: number[] = [];
    let windowStart = performance.now();
    let polling = true;
    const poller = (async () => {
      while (polling || waiting.length > 0) {
        const doc = await checkpoints.findOne({ _id: checkpointName(version) });
        const reached = doc ? BigInt(doc.commit) : -1n;
        const now = performance.now();
        for (let i = waiting.length - 1; i >= 0; i -= 1) {
          if (waiting[i].position.commit <= reached) {
            lags.push(now - waiting[i].at);
            if (now - waiting[i].at >= 200) lateAt.push(Math.floor((waiting[i].at - windowStart) / 1000));
            waiting.splice(i, 1);
          }
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const started = Date.now();
    windowStart = performance.now();
    const interval = 1000 / WRITE_RATE;
    let next = performance.now();
    const inflight = new Set<Promise<void>>();
    while (Date.now() - started < LAG_SECONDS * 1000) {
      const e = history.next().value!;
      const p = appendOne(store, e)
        .then((r) => {
          waiting.push({ position: r.position, at: performance.now() });
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
      next += interval;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(inflight);
    polling = false;
    await poller;
    await projector.stop();
    lags.sort((a, b) => a - b);
    const p99 = percentile(lags, 99);
    console.log(
      `live projection lag at ${WRITE_RATE} appends/s for ${LAG_SECONDS} s (${lags.length} events): ` +
        `p50 ${percentile(lags, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target < 200) ${p99 < 200 ? 'ok' : 'MISSED'}`,
    );
    if (lateAt.length > 0) {
      const perSecond = new Map<number, number>();
      for (const s of lateAt) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
      const seconds = [...perSecond].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}s: ${n}`);
      console.log(`  appends 200 ms late or more: ${lateAt.length}, by second of the window: ${seconds.join(', ')}; worst ${lags[lags.length - 1].toFixed(0)} ms`);
    }
  } finally {
    await servers.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
