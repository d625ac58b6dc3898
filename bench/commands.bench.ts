/**
 * Command throughput and latency through HTTP:
 *   npm run bench:commands        (VOTES=10000 ANSWERS=5000 CLIENTS=50 by default)
 *   VOTES=3000 ANSWERS=0 npm run bench:commands   (votes only; add --cpu-prof to profile)
 *
 * The server side runs as `npm start` runs it, in this one process: the embedded EventStoreDB
 * server on a SQLite file on a worker thread of its own (ESDB_THREAD=0 puts it on the main
 * thread beside the API instead) and the real API (startApi) with the real Redis. The
 * load comes from a child process (so measuring does not steal the server's event loop), lean
 * raw HTTP/1.1 connections (support/raw-http) so it takes as little of the 2 cores as it can:
 * CLIENTS concurrent clients, each with its own keep-alive connection and its own loopback
 * address (127.0.0.x), so the per-IP limits apply to them as to distinct people.
 *
 * Each kind of command runs twice, after a mixed warm-up (votes and answers interleaved, so
 * the JIT has compiled both paths, and the load generator is warm too):
 * - offered its target rate (votes 1,500/s, answers 500/s) by the CLIENTS clients, open
 *   loop: request n is due at n / rate and its latency counts from then, so a stall that
 *   makes later requests wait counts against them (no coordinated omission). Held to the
 *   rate and p99 < 50 ms: the target is a service level, "this many per second, this fast".
 * - as fast as it is answered (closed loop): the most the server takes, held to the rate.
 *   Its p99 is printed too; at saturation the mean alone is CLIENTS / rate (Little's law).
 *
 * Votes are cast by three crews of CLIENTS registered users (warm-up, paced run, closed
 * loop), each flipping between up and down on a set of answers, so every request appends an
 * event; no vote request hits a rate limit (each voter and address casts at most 200 votes,
 * under the 300 an hour). Answers are posted by the same users to a set of questions.
 * Every figure is printed with the target it is held to.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type PerformanceEntry,
} from 'node:perf_hooks';
import { loadConfig, type Runtime } from '@qa/config';
import { startEventStoreDbServer } from '@qa/embedded';
import { startApi } from '../apps/api/src/api.app';
import { RawHttpConnection, rawRequest } from './support/raw-http';
import { statCpu } from './support/server-process';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CLIENTS = env('CLIENTS', 50);
const VOTES = env('VOTES', 10_000);
const ANSWERS = env('ANSWERS', 5_000);
const POSTS = 20;
const eventStoreThread = process.env.ESDB_THREAD !== '0';

interface Job {
  url: string;
  clients: number;
  /** The first of the clients' loopback addresses: 127.0.0.<firstAddress + client>. */
  firstAddress: number;
  /**
   * Requests per second to offer: request n is due at start + n / rate, whichever client
   * sends it, and its latency counts from when it was due, so time spent waiting for a free
   * client counts too. Without a rate, each client sends its next request as soon as its
   * last one is answered (a closed loop: the most the server can take).
   */
  rate?: number;
  requests: Array<{ method: string; path: string; token: string; body: string }>;
}

interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  failures: Array<{ status: number; body: string }>;
  /** CPU seconds the load generator spent on the run. */
  clientCpu: number;
  /** CPU seconds the server side (this process) spent meanwhile. */
  serverCpu?: number;
  /**
   * Of that, the main thread's (the API, and the event store with ESDB_THREAD=0) and the
   * event store thread's, where the platform tells (Linux); the rest is GC and I/O helpers.
   */
  mainThreadCpu?: number | null;
  eventStoreThreadCpu?: number | null;
  /** The server's event-loop delay and GC pauses meanwhile, as one line. */
  loop?: string;
}

// ---- client side (child process) ---------------------------------------------------------

async function runLoad(job: Job): Promise<LoadResult> {
  const url = new URL(job.url);
  const latenciesMs: number[] = [];
  const failures: LoadResult['failures'] = [];
  // Every request's bytes are built before the clock starts, and each client's keep-alive
  // connection, from its own loopback address, is opened (by a GET /health) before it too:
  // clients that come and go are not what is measured.
  const requests = job.requests.map((r) =>
    rawRequest(
      r.method,
      r.path,
      { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' },
      r.body,
    ),
  );
  const connections = await Promise.all(
    Array.from({ length: job.clients }, (_, i) =>
      RawHttpConnection.connect(url.hostname, Number(url.port), `127.0.0.${job.firstAddress + i}`),
    ),
  );
  await Promise.all(connections.map((c) => c.send(rawRequest('GET', '/health', {}))));
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const dueAt = (n: number) =>
    job.rate === undefined ? null : started + BigInt(Math.round((n * 1e9) / job.rate));
  await Promise.all(
    connections.map(async (connection) => {
      for (let n = next++; n < job.requests.length; n = next++) {
        const due = dueAt(n);
        const early = due === null ? 0 : Number(due - process.hrtime.bigint()) / 1e6;
        if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
        const t0 = due ?? process.hrtime.bigint();
        const response = await connection.send(requests[n]);
        latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (response.status >= 300) failures.push(response);
      }
      connection.close();
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    latenciesMs,
    failures,
    clientCpu: (cpu.user + cpu.system) / 1e6,
  };
}

if (process.argv.includes('--client')) {
  // One load generator for every run, so the runs after the warm-up meet a warm client too.
  process.on('message', (job: Job) => {
    runLoad(job).then(
      (result) => process.send!(result),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

/**
 * CPU seconds the calling thread has used (utime + stime of /proc/thread-self/stat, in
 * clock ticks of 10 ms), or null where there is no such file.
 */
function threadCpuSeconds(): number | null {
  try {
    return statCpu('/proc/thread-self/stat');
  } catch {
    return null;
  }
}

/** Runs one load in a child process and waits for its figures. */
async function load(job: Job, eventStore: EventStoreHandle): Promise<LoadResult> {
  // Where a tail comes from: the server's event loop stalls and its GC pauses meanwhile.
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const gcPauses: number[] = [];
  let majorPauses = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauses.push(entry.duration);
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorPauses += 1;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  delay.enable();
  const before = process.cpuUsage();
  const mainBefore = threadCpuSeconds();
  const storeBefore = (await eventStore.threadStats()).cpu;
  const result = await loadInChild(job);
  const used = process.cpuUsage(before);
  const mainAfter = threadCpuSeconds();
  const storeAfter = await eventStore.threadStats();
  delay.disable();
  gc.disconnect();
  const ms = (ns: number) => ns / 1e6;
  return {
    ...result,
    serverCpu: (used.user + used.system) / 1e6,
    mainThreadCpu: mainBefore === null || mainAfter === null ? null : mainAfter - mainBefore,
    eventStoreThreadCpu:
      storeBefore === null || storeAfter.cpu === null ? null : storeAfter.cpu - storeBefore,
    loop:
      `event loop delay p50 ${ms(delay.percentile(50)).toFixed(1)} ms, p99 ${ms(delay.percentile(99)).toFixed(1)} ms, ` +
      `max ${ms(delay.max).toFixed(1)} ms; GC ${gcPauses.length} pauses (${majorPauses} major), ` +
      `${gcPauses.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, longest ${Math.max(0, ...gcPauses).toFixed(1)} ms` +
      (storeAfter.loopMaxMs === null
        ? ''
        : `; event store thread's loop delay max ${storeAfter.loopMaxMs.toFixed(1)} ms`),
  };
}

let loadGenerator: ChildProcess | null = null;

function loadInChild(job: Job): Promise<LoadResult> {
  loadGenerator ??= fork(__filename, ['--client'], {
    execArgv: ['-r', path.join(__dirname, '../scripts/register.js')],
    serialization: 'advanced',
  });
  const child = loadGenerator;
  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`load generator exited with ${code}`));
    child.once('exit', failed);
    child.once('message', (result) => {
      child.off('exit', failed);
      resolve(result as LoadResult);
    });
    child.send(job);
  });
}

// ---- server side (this process) ----------------------------------------------------------

/**
 * The embedded event store of this process: on a worker thread of its own, as `npm start`
 * runs it, so the API and the event store each get a core; or with ESDB_THREAD=0 on the main
 * thread beside the API.
 */
interface ThreadStats {
  cpu: number | null;
  loopMaxMs: number | null;
}

interface EventStoreHandle {
  url: string;
  close(): Promise<void>;
  /**
   * CPU seconds of the event store's own thread so far (null when it has none, or no figure)
   * and its event loop's longest delay since the last call.
   */
  threadStats(): Promise<ThreadStats>;
}

async function startEventStore(data: string): Promise<EventStoreHandle> {
  if (!eventStoreThread) {
    const server = await startEventStoreDbServer({ port: 0, data });
    return {
      url: server.url,
      close: () => server.close(),
      threadStats: async () => ({ cpu: null, loopMaxMs: null }),
    };
  }
  const worker = new Worker(__filename, { workerData: { data } });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (message: { url: string }) => resolve(message.url));
    worker.once('error', reject);
  });
  return {
    url,
    close: async () => {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
    threadStats: () =>
      new Promise((resolve) => {
        worker.once('message', (message: ThreadStats) => resolve(message));
        worker.postMessage('stats');
      }),
  };
}

if (!isMainThread && workerData?.data) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  void startEventStoreDbServer({ port: 0, data: workerData.data as string }).then((server) => {
    parentPort!.on('message', (message: string) => {
      if (message === 'stats') {
        const stats: ThreadStats = { cpu: threadCpuSeconds(), loopMaxMs: delay.max / 1e6 };
        delay.reset();
        parentPort!.postMessage(stats);
      } else void server.close().then(() => process.exit(0));
    });
    parentPort!.postMessage({ url: server.url });
  });
}

async function post(base: string, route: string, body: unknown, token?: string): Promise<any> {
  const response = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

interface Target {
  /** Commands per second the run must sustain. */
  rate: number;
  /** Its p99 latency bound, for a run offered that rate. */
  p99Ms: number;
}

/**
 * Prints one run's figures. A run offered the target rate is held to both the rate and the
 * p99 bound; a closed-loop run measures how far past the rate the server goes, and its p99
 * is printed as it is (at saturation, by Little's law, the mean alone is clients / rate).
 */
function report(
  name: string,
  count: number,
  result: LoadResult,
  target: Target,
  paced: boolean,
): boolean {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const rate = count / result.seconds;
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const clean = result.failures.length === 0;
  // A paced run ends a little after its last request was due: allow 2% for that tail.
  const ok = paced
    ? rate >= target.rate * 0.98 && p99 < target.p99Ms && clean
    : rate >= target.rate && clean;
  const goal = paced
    ? `target ${target.rate}/s with p99 < ${target.p99Ms} ms`
    : `target >= ${target.rate}/s`;
  const how = paced ? `offered ${target.rate}/s` : 'as fast as answered';
  console.log(
    `${name.padEnd(8)} ${rate.toFixed(0).padStart(6)}/s (${count} in ${result.seconds.toFixed(2)} s, ` +
      `${CLIENTS} clients, ${how})  p50 ${p50.toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  failures ${result.failures.length}` +
      `   ${goal}: ${ok ? 'ok' : 'MISSED'}`,
  );
  // On a shared machine the rate alone says little; the server's CPU per command does.
  const cpuMs = ((result.serverCpu ?? 0) * 1000) / count;
  const perCommand = (seconds: number | null | undefined) =>
    seconds === null || seconds === undefined ? '?' : ((seconds * 1000) / count).toFixed(2);
  const threads =
    result.eventStoreThreadCpu === null
      ? `main thread ${perCommand(result.mainThreadCpu)}`
      : `API thread ${perCommand(result.mainThreadCpu)}, event store thread ${perCommand(result.eventStoreThreadCpu)}`;
  console.log(
    `         server cpu ${cpuMs.toFixed(2)} ms per command (API and event store; ${threads}); ` +
      `load generator ${((result.clientCpu * 1000) / count).toFixed(2)} ms`,
  );
  // The shape of the tail: a few long stalls or a wide spread.
  console.log(
    `         latency p90 ${percentile(sorted, 90).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, ` +
      `p99.9 ${percentile(sorted, 99.9).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`,
  );
  console.log(`         ${result.loop}`);
  if (result.failures.length > 0)
    console.log(`  first failure: ${JSON.stringify(result.failures[0])}`);
  return ok;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qa-bench-'));
  const esdb = await startEventStore(path.join(dataDir, 'eventstore.sqlite'));
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
  });
  const runtime: Runtime = {
    config,
    eventStoreUrl: esdb.url,
    // The command path never touches MongoDB; the queries module connects lazily.
    mongoUrl: 'mongodb://127.0.0.1:9/qa?serverSelectionTimeoutMS=500',
    redisUrl: config.redisUrl,
    smtpUrl: 'smtp://127.0.0.1:9',
    embedded: true,
    // Fresh secrets: fresh rate-limit counters for this run.
    secrets: {
      jwtSecret: randomBytes(32).toString('base64url'),
      hashKey: randomBytes(32).toString('base64url'),
      unsubscribeSecret: randomBytes(32).toString('base64url'),
    },
  };
  const api = await startApi(runtime, { prettyLogs: false });
  try {
    const base = api.url;
    const signUp = async (name: string) => {
      const password = 'bench password 1234';
      await post(base, '/api/v1/users', {
        username: name,
        email: `${name}@bench.example`,
        password,
      });
      const session = await post(base, '/api/v1/sessions', { login: name, password });
      return session.token as string;
    };
    const author = await signUp('author');
    // Three crews of CLIENTS voters: one warms the server up, one runs at the target rate
    // and one in the closed loop, so no voter's hourly budget (300 votes) runs out.
    const crews: string[][] = [[], [], []];
    for (let i = 0; i < 3 * CLIENTS; i++) crews[i % 3].push(await signUp(`voter${i}`));
    const questions: string[] = [];
    const answers: string[] = [];
    for (let i = 0; i < POSTS; i++) {
      const q = await post(
        base,
        '/api/v1/questions',
        { title: `Benchmark question number ${i}`, body: 'Body.' },
        author,
      );
      questions.push(q.id);
      answers.push(
        (await post(base, `/api/v1/questions/${q.id}/answers`, { body: 'An answer.' }, author)).id,
      );
    }

    // Each (voter, answer) pair comes round every CLIENTS x POSTS requests and flips up/down.
    const voteRequests = (voters: string[]) =>
      Array.from({ length: VOTES }, (_, n) => {
        const voter = n % CLIENTS;
        const round = Math.floor(n / CLIENTS);
        return {
          method: 'PUT',
          path: `/api/v1/answers/${answers[round % POSTS]}/vote`,
          token: voters[voter],
          body: JSON.stringify({ value: Math.floor(round / POSTS) % 2 === 0 ? 1 : -1 }),
        };
      });
    const answerRequests = (voters: string[], run: string) =>
      Array.from({ length: ANSWERS }, (_, n) => ({
        method: 'POST',
        path: `/api/v1/questions/${questions[n % POSTS]}/answers`,
        token: voters[n % CLIENTS],
        body: JSON.stringify({
          body: `Benchmark answer ${run}${n}: fold the stream, decide, append.`,
        }),
      }));

    // A warm-up of both paths, long enough for the JIT to have compiled them (its compiler
    // threads are busy for about the first 3,000 commands), so that is not measured.
    const crewAt = (crew: number) => ({
      url: base,
      clients: CLIENTS,
      firstAddress: 10 + crew * CLIENTS,
    });
    const warmVotes = VOTES > 0 ? voteRequests(crews[0]).slice(0, 3000) : [];
    const warmAnswers = ANSWERS > 0 ? answerRequests(crews[0], 'w').slice(0, 3000) : [];
    const mixed = Array.from({ length: Math.max(warmVotes.length, warmAnswers.length) }, (_, i) => [
      warmVotes[i],
      warmAnswers[i],
    ])
      .flat()
      .filter(Boolean);
    await load({ ...crewAt(0), requests: mixed }, esdb);

    console.log(
      `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores when measuring started; ` +
        `event store on ${eventStoreThread ? 'a worker thread' : 'the main thread'}`,
    );
    // Each kind runs twice: offered its target rate (held to rate and p99), then as fast as
    // the server answers (held to the rate). VOTES=0 or ANSWERS=0 leaves that kind out, to
    // measure or profile the other alone.
    const runs = async (
      name: string,
      count: number,
      target: Target,
      requests: (crew: number) => Job['requests'],
    ) => {
      if (count === 0) return true;
      const paced = await load({ ...crewAt(1), rate: target.rate, requests: requests(1) }, esdb);
      const open = await load({ ...crewAt(2), requests: requests(2) }, esdb);
      const okPaced = report(name, count, paced, target, true);
      const okOpen = report(name, count, open, target, false);
      return okPaced && okOpen;
    };
    const okVotes = await runs('votes', VOTES, { rate: 1500, p99Ms: 50 }, (crew) =>
      voteRequests(crews[crew]),
    );
    const okAnswers = await runs('answers', ANSWERS, { rate: 500, p99Ms: 50 }, (crew) =>
      answerRequests(crews[crew], `${crew}-`),
    );
    process.exitCode = okVotes && okAnswers ? 0 : 1;
  } finally {
    loadGenerator?.kill();
    await api.stop();
    await esdb.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMainThread && !process.argv.includes('--client')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
