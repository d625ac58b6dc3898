/**
 * Notification throughput and latency, end to end:
 *   npm run bench:notifications   (--rate=N events/s, --seconds=N, --askers=N, --warmup-seconds=N to change)
 * The embedded EventStoreDB and MongoDB servers, the embedded SMTP sink and the worker
 * (reactor + processor) each run in a process of their own, as `npm run embedded` and the
 * production entry run them; this process only generates the load. The worker uses the
 * shared Redis with a queue prefix of its own.
 * Each answer appended is due exactly one email (to the question's asker). Latency is from
 * the append call to the sink storing the message (it answers 250 right after).
 * Targets: at least 500 emails/s delivered; p99 latency under 2 s while the load runs.
 * --workers=N runs N worker processes (default 1): the first with the reactor, all sending.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { PersonalDataVault } from '@qa/common';
import type { Runtime } from '@qa/config';
import { EventStoreDbAdapter } from '@qa/event-store';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { testRuntime } from '../test/support/test-runtime';
import { QaFixture } from '../apps/worker/src/testing/qa.fixture';
import { spawnWorker, track } from '../apps/worker/src/testing/processes';
import { loadAverage, processCpu } from './support/server-process';
import { arg, hasArg } from './support/args';

const RATE = arg('rate', 550);
const SECONDS = arg('seconds', 20);
const ASKERS = arg('askers', 300);
const WORKERS = arg('workers', 1);
/**
 * Seconds of the same load before the measured run, to askers of their own (so the measured
 * run still reads each of its recipients' keys once): the figures are the steady state of a
 * running worker, not its first seconds of JIT compilation and connection set-up. The
 * warm-up's own latency is printed too; --warmup-seconds=0 measures from a cold start.
 */
const WARMUP_SECONDS = arg('warmup-seconds', 3);
const WARMUP_ASKERS = 100;
const TARGET_RATE = 500;
const TARGET_P99_MS = 2_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const root = path.resolve(__dirname, '..');

/** CPU seconds (user + system) a process used so far, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    return processCpu(pid);
  } catch {
    return 0;
  }
}

interface ServerProcess {
  pid: number | undefined;
  url: string;
  stop(): Promise<void>;
}

/** `npm run embedded -- <server> ...`, without the build: prints `<name> listening on <url>`. */
async function startEmbedded(args: string[]): Promise<ServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-r',
      path.join(root, 'scripts/register.js'),
      path.join(root, 'libs/embedded/src/cli.ts'),
      ...args,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  track(child);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return {
    pid: child.pid,
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Per-stage latencies (ms) of the jobs still in Redis, keyed by stage name. */
async function stageLatencies(
  redis: Redis,
  prefix: string,
  appendedAt: Map<string, number>,
  acceptedAt: Map<string, number>,
): Promise<Record<string, number[]>> {
  const base = `${prefix}:notifications`;
  const ids = await redis.zrange(`${base}:completed`, '0', '-1');
  const stages: Record<string, number[]> = {
    'append -> enqueued': [],
    'enqueued -> picked': [],
    'picked -> SMTP accepted': [],
    'SMTP accepted -> done': [],
  };
  for (let i = 0; i < ids.length; i += 1000) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(i, i + 1000)) {
      pipeline.hmget(`${base}:${id}`, 'timestamp', 'processedOn', 'finishedOn', 'data');
    }
    for (const [err, row] of (await pipeline.exec()) ?? []) {
      if (err) continue;
      const [timestamp, processedOn, finishedOn, data] = row as Array<string | null>;
      if (!timestamp || !processedOn || !finishedOn || !data) continue;
      const eventId = (JSON.parse(data) as { eventId: string }).eventId;
      const appended = appendedAt.get(eventId);
      const accepted = acceptedAt.get(eventId);
      if (appended === undefined || accepted === undefined) continue;
      stages['append -> enqueued'].push(Number(timestamp) - appended);
      stages['enqueued -> picked'].push(Number(processedOn) - Number(timestamp));
      stages['picked -> SMTP accepted'].push(accepted - Number(processedOn));
      stages['SMTP accepted -> done'].push(Number(finishedOn) - accepted);
    }
  }
  return stages;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'qa-bench-notifications-'));
  const [esdb, mongoServer, sink] = await Promise.all([
    startEmbedded(['eventstoredb', '--port', '0', '--data', ':memory:']),
    startEmbedded(['mongodb', '--port', '0']),
    startEmbedded(['smtp', '--port', '0', '--dir', path.join(dir, 'mail')]),
  ]);
  const mongoBase = mongoServer.url.replace(/\/+$/, '');
  const runtime: Runtime = testRuntime(
    { PUBLIC_URL: 'https://qa.example', LOG_LEVEL: 'silent' },
    { eventStoreUrl: esdb.url, mongoUrl: `${mongoBase}/qa`, smtpUrl: sink.url },
  );
  const prefix = `bull-bench-${randomBytes(4).toString('hex')}`;
  const store = new EventStoreDbAdapter(esdb.url);
  const vault = new PersonalDataVault(store, { hashKey: runtime.secrets.hashKey });
  const fixture = new QaFixture(store, vault);
  const mongo = new MongoClient(runtime.mongoUrl);
  await mongo.connect();

  console.log(`preparing ${ASKERS} askers with a question each...`);
  const answerer = await fixture.registerUser('answerer', 'answerer@example.net');
  const questions: Array<{
    id: string;
    author: Awaited<ReturnType<QaFixture['askQuestion']>>['author'];
  }> = [];
  let head = null as null | { commit: bigint };
  const warmQuestions: typeof questions = [];
  for (let i = 0; i < ASKERS + (WARMUP_SECONDS > 0 ? WARMUP_ASKERS : 0); i++) {
    const name = i < ASKERS ? `asker${i}` : `warm${i - ASKERS}`;
    const asker = await fixture.registerUser(name, `${name}@example.com`);
    const q = await fixture.askQuestion({ user: asker }, `Benchmark question number ${i}`);
    (i < ASKERS ? questions : warmQuestions).push({ id: q.id, author: q.author });
    head = q.result.position;
  }

  const profileDir = process.argv.find((a) => a.startsWith('--profile-worker='))?.split('=')[1];
  // Production defaults unless --concurrency / --connections say otherwise.
  const given = (name: string) => (hasArg(name) ? arg(name, 0) : undefined);
  const workerOptions = {
    queuePrefix: prefix,
    concurrency: given('concurrency'),
    smtp: { maxConnections: given('connections') },
    // --thread=0 keeps the processor on the reactor's event loop.
    processorThread: hasArg('thread') ? arg('thread', 1) !== 0 : undefined,
  };
  // One worker runs the reactor and a processor; more processors scale sending out, as
  // production scales the worker app (BullMQ shares the queue between them).
  const workers = [
    await spawnWorker(
      runtime,
      workerOptions,
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    ),
  ];
  for (let i = 1; i < WORKERS; i++) {
    workers.push(
      await spawnWorker(runtime, { ...workerOptions, run: { reactor: false, processor: true } }),
    );
  }
  // Let the reactor get through the preparation before the clock starts.
  const checkpoints = mongo
    .db('qa')
    .collection<{ _id: string; commit: string }>('worker_checkpoints');
  for (;;) {
    const cp = await checkpoints.findOne({ _id: 'notification-reactor' });
    if (cp && head && BigInt(cp.commit) >= head.commit) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  // Progress once a second: emails stored, jobs waiting, and how far the reactor got.
  const queueRedis = new Redis(runtime.redisUrl);
  const progress = setInterval(async () => {
    const [mails, waiting, cp] = await Promise.all([
      fs
        .readdir(path.join(dir, 'mail'))
        .then((f) => f.length)
        .catch(() => 0),
      queueRedis.llen(`${prefix}:notifications:wait`),
      checkpoints.findOne({ _id: 'notification-reactor' }),
    ]);
    console.log(
      `  t=${((Date.now() - started) / 1000).toFixed(0)}s appended=${appendedAt.size} mails=${mails} waiting=${waiting} checkpoint=${cp?.commit}`,
    );
  }, 1000);
  const total = RATE * SECONDS;
  const processes = {
    ...Object.fromEntries(workers.map((w, i) => [`worker${i + 1}`, w.process.pid])),
    eventstoredb: esdb.pid,
    mongodb: mongoServer.pid,
    smtp: sink.pid,
    'load generator': process.pid,
  };
  const mailDir = path.join(dir, 'mail');
  /** Waits until `count` emails are stored (or two minutes have passed); their file names. */
  const mailsStored = async (count: number) => {
    const deadline = Date.now() + 120_000;
    let files: string[] = [];
    while (Date.now() < deadline) {
      files = (await fs.readdir(mailDir).catch(() => [])).filter((f) => f.endsWith('.eml'));
      if (files.length >= count) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return files;
  };
  /** The stored emails (file names) of the events in `appended`: which event, and when stored. */
  const mailsFor = async (files: string[], appended: Map<string, number>) => {
    const mails: Array<{ eventId: string; at: number }> = [];
    for (const f of files) {
      const file = path.join(mailDir, f);
      const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
      const eventId = /^X-Notification-Event: (\S+)/m.exec(text)?.[1];
      if (eventId && appended.has(eventId)) mails.push({ eventId, at: stat.mtimeMs });
    }
    return mails;
  };
  const appendedAt = new Map<string, number>();
  let started = Date.now();
  /** Posts `count` answers at RATE per second to `to`, round robin; each answer, one email. */
  const appendAnswers = async (to: typeof questions, count: number, at: Map<string, number>) => {
    started = Date.now();
    let sent = 0;
    const pending: Array<Promise<unknown>> = [];
    const tickMs = 20;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((Date.now() - started) / 1000) * RATE));
      for (; sent < due; sent++) {
        const q = to[sent % to.length];
        const t0 = Date.now();
        pending.push(
          fixture
            .postAnswer(q, { user: answerer }, `Answer ${sent}: water less, give more light.`)
            .then((a) => {
              at.set(a.eventId, t0);
            }),
        );
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
    await Promise.all(pending);
  };

  const warmTotal = RATE * WARMUP_SECONDS;
  if (warmTotal > 0) {
    console.log(
      `warming up: ${warmTotal} answers at ${RATE}/s to ${WARMUP_ASKERS} other askers...`,
    );
    const warmAt = new Map<string, number>();
    await appendAnswers(warmQuestions, warmTotal, warmAt);
    const files = await mailsStored(warmTotal);
    const warm = (await mailsFor(files, warmAt)).map((m) => m.at - warmAt.get(m.eventId)!);
    warm.sort((a, b) => a - b);
    console.log(
      `warm-up (a cold worker, not counted below): ${warm.length}/${warmTotal} emails, ` +
        `latency p50 ${Math.round(percentile(warm, 50))} ms, p99 ${Math.round(percentile(warm, 99))} ms`,
    );
  }

  const cpuBefore = Object.fromEntries(
    Object.entries(processes).map(([k, pid]) => [k, cpuSeconds(pid)]),
  );
  console.log(`appending ${total} answers at ${RATE}/s for ${SECONDS} s (one email each)...`);
  await appendAnswers(questions, total, appendedAt);
  const appendSeconds = (Date.now() - started) / 1000;

  const files = await mailsStored(warmTotal + total);

  const cpu = Object.entries(processes).map(
    ([k, pid]) => `${k} ${(((cpuSeconds(pid) - cpuBefore[k]) * 1000) / total).toFixed(2)}`,
  );
  const latencies: number[] = [];
  const deliveredAt: number[] = [];
  const seen = new Set<string>();
  const acceptedAt = new Map<string, number>();
  let duplicates = 0;
  for (const { eventId, at } of await mailsFor(files, appendedAt)) {
    if (seen.has(eventId)) {
      duplicates++;
      continue;
    }
    seen.add(eventId);
    acceptedAt.set(eventId, at);
    latencies.push(at - appendedAt.get(eventId)!);
    deliveredAt.push(at);
  }
  latencies.sort((a, b) => a - b);
  deliveredAt.sort((a, b) => a - b);
  const delivered = latencies.length;
  const span = (deliveredAt[delivered - 1] - started) / 1000;
  const rate = delivered / span;
  const p = (x: number) => Math.round(percentile(latencies, x));

  console.log(`machine: ${cpus().length} cores, load average ${loadAverage()}`);
  console.log(`CPU per email (ms): ${cpu.join(', ')}`);
  console.log(`appended: ${total} answers in ${appendSeconds.toFixed(1)} s`);
  console.log(
    `delivered: ${delivered}/${total} emails in ${span.toFixed(1)} s, duplicates ${duplicates}`,
  );
  console.log(`throughput: ${rate.toFixed(0)} emails/s (target >= ${TARGET_RATE})`);
  console.log(
    `latency append -> SMTP accepted: p50 ${p(50)} ms, p95 ${p(95)} ms, p99 ${p(99)} ms, max ${p(100)} ms (target p99 < ${TARGET_P99_MS} ms)`,
  );

  // Where the time goes, per stage, from the jobs BullMQ kept (completed jobs are kept, up to
  // 10,000): append -> job enqueued (subscription delivery + reactor) -> job picked (queue
  // wait) -> SMTP accepted (checks, rendering, sending) -> job finished (delivery record).
  const stages = await stageLatencies(queueRedis, prefix, appendedAt, acceptedAt);
  for (const [stage, values] of Object.entries(stages)) {
    values.sort((a, b) => a - b);
    if (values.length === 0) continue;
    console.log(
      `  stage ${stage.padEnd(22)} p50 ${Math.round(percentile(values, 50))} ms, p99 ${Math.round(percentile(values, 99))} ms, max ${Math.round(percentile(values, 100))} ms (${values.length} jobs)`,
    );
  }

  clearInterval(progress);
  queueRedis.disconnect();
  await Promise.all(workers.map((w) => w.stop()));
  const redis = new Redis(runtime.redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await store.close();
  await mongo.close();
  await Promise.all([sink.stop(), mongoServer.stop(), esdb.stop()]);
  rmSync(dir, { recursive: true, force: true });

  const ok =
    delivered === total && duplicates === 0 && rate >= TARGET_RATE && p(99) < TARGET_P99_MS;
  console.log(ok ? 'PASS' : 'FAIL');
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
