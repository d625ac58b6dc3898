/**
 * Command throughput and latency through HTTP:
 *   npm run bench:commands        (VOTES=10000 ANSWERS=5000 CLIENTS=50 by default)
 *   VOTES=3000 ANSWERS=0 npm run bench:commands   (votes only; add --cpu-prof to profile)
 *
 * The server side runs as `npm start` runs it, in this one process: the embedded EventStoreDB
 * server on a SQLite file on a worker thread of its own (ESDB_THREAD=0 puts it on the main
 * thread beside the API instead) and the real API (startApi) with the real Redis. The
 * load comes from a child process (so measuring does not steal the server's event loop):
 * CLIENTS concurrent clients, each with its own keep-alive connection and its own loopback
 * address (127.0.0.x), so the per-IP limits apply to them as to distinct people.
 *
 * Votes are cast by CLIENTS registered users, each flipping between up and down on a set
 * of answers, so every request appends an event; no vote request hits a rate limit
 * (VOTES / CLIENTS per user and per IP stays under 300). Answers are posted by the same
 * users to a set of questions. Every figure is printed with the target it is held to.
 */
import { fork } from 'node:child_process';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
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
  requests: Array<{ method: string; path: string; token: string; body: string }>;
}

interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  failures: Array<{ status: number; body: string }>;
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

function send(
  agent: http.Agent,
  url: URL,
  request: Job['requests'][number],
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: {
          authorization: `Bearer ${request.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

async function runLoad(job: Job): Promise<LoadResult> {
  const url = new URL(job.url);
  const latenciesMs: number[] = [];
  const failures: LoadResult['failures'] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: job.clients }, async (_, i) => {
      // One keep-alive connection per client, from its own loopback address.
      const agent = new http.Agent({
        keepAlive: true,
        maxSockets: 1,
        localAddress: `127.0.0.${10 + i}`,
      });
      for (let n = next++; n < job.requests.length; n = next++) {
        const t0 = process.hrtime.bigint();
        const response = await send(agent, url, job.requests[n]);
        latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (response.status >= 300) failures.push(response);
      }
      agent.destroy();
    }),
  );
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, latenciesMs, failures };
}

if (process.argv.includes('--client')) {
  process.on('message', (job: Job) => {
    runLoad(job).then(
      (result) => process.send!(result, () => process.exit(0)),
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
  const storeBefore = await eventStore.threadCpu();
  const result = await loadInChild(job);
  const used = process.cpuUsage(before);
  const mainAfter = threadCpuSeconds();
  const storeAfter = await eventStore.threadCpu();
  delay.disable();
  gc.disconnect();
  const ms = (ns: number) => ns / 1e6;
  return {
    ...result,
    serverCpu: (used.user + used.system) / 1e6,
    mainThreadCpu: mainBefore === null || mainAfter === null ? null : mainAfter - mainBefore,
    eventStoreThreadCpu:
      storeBefore === null || storeAfter === null ? null : storeAfter - storeBefore,
    loop:
      `event loop delay p50 ${ms(delay.percentile(50)).toFixed(1)} ms, p99 ${ms(delay.percentile(99)).toFixed(1)} ms, ` +
      `max ${ms(delay.max).toFixed(1)} ms; GC ${gcPauses.length} pauses (${majorPauses} major), ` +
      `${gcPauses.reduce((a, b) => a + b, 0).toFixed(0)} ms in all, longest ${Math.max(0, ...gcPauses).toFixed(1)} ms`,
  };
}

function loadInChild(job: Job): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--client'], {
      execArgv: ['-r', path.join(__dirname, '../scripts/register.js')],
      serialization: 'advanced',
    });
    child.once('message', (result) => resolve(result as LoadResult));
    child.once(
      'exit',
      (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)),
    );
    child.send(job);
  });
}

// ---- server side (this process) ----------------------------------------------------------

/**
 * The embedded event store of this process: on a worker thread of its own, as `npm start`
 * runs it, so the API and the event store each get a core; or with ESDB_THREAD=0 on the main
 * thread beside the API.
 */
interface EventStoreHandle {
  url: string;
  close(): Promise<void>;
  /** CPU seconds of the event store's own thread so far; null when it has none (or no figure). */
  threadCpu(): Promise<number | null>;
}

async function startEventStore(data: string): Promise<EventStoreHandle> {
  if (!eventStoreThread) {
    const server = await startEventStoreDbServer({ port: 0, data });
    return { url: server.url, close: () => server.close(), threadCpu: async () => null };
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
    threadCpu: () =>
      new Promise((resolve) => {
        worker.once('message', (message: { cpu: number | null }) => resolve(message.cpu));
        worker.postMessage('cpu');
      }),
  };
}

if (!isMainThread && workerData?.data) {
  void startEventStoreDbServer({ port: 0, data: workerData.data as string }).then((server) => {
    parentPort!.on('message', (message: string) => {
      if (message === 'cpu') parentPort!.postMessage({ cpu: threadCpuSeconds() });
      else void server.close().then(() => process.exit(0));
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

function report(name: string, count: number, result: LoadResult, minRate: number): boolean {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const rate = count / result.seconds;
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const ok = rate >= minRate && p99 < 50 && result.failures.length === 0;
  console.log(
    `${name.padEnd(8)} ${rate.toFixed(0).padStart(6)}/s (${count} in ${result.seconds.toFixed(2)} s, ` +
      `${CLIENTS} clients)  p50 ${p50.toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  failures ${result.failures.length}` +
      `   target >= ${minRate}/s, p99 < 50 ms: ${ok ? 'ok' : 'MISSED'}`,
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
    `         server cpu ${cpuMs.toFixed(2)} ms per command (API and event store; ${threads})`,
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
    const voters: string[] = [];
    for (let i = 0; i < CLIENTS; i++) voters.push(await signUp(`voter${i}`));
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
    const voteRequests = Array.from({ length: VOTES }, (_, n) => {
      const voter = n % CLIENTS;
      const round = Math.floor(n / CLIENTS);
      return {
        method: 'PUT',
        path: `/api/v1/answers/${answers[round % POSTS]}/vote`,
        token: voters[voter],
        body: JSON.stringify({ value: Math.floor(round / POSTS) % 2 === 0 ? 1 : -1 }),
      };
    });
    const answerRequests = Array.from({ length: ANSWERS }, (_, n) => ({
      method: 'POST',
      path: `/api/v1/questions/${questions[n % POSTS]}/answers`,
      token: voters[n % CLIENTS],
      body: JSON.stringify({ body: `Benchmark answer ${n}: fold the stream, decide, append.` }),
    }));

    // A short warm-up of both paths (votes on the questions, 4 per voter, so every budget
    // stays under its limit) so JIT compilation and connection set-up are not measured.
    const warmUpVotes = Array.from({ length: 4 * CLIENTS }, (_, n) => ({
      method: 'PUT',
      path: `/api/v1/questions/${questions[n % POSTS]}/vote`,
      token: voters[n % CLIENTS],
      body: JSON.stringify({ value: 1 }),
    }));
    await load(
      { url: base, clients: CLIENTS, requests: [...answerRequests.slice(0, 200), ...warmUpVotes] },
      esdb,
    );

    console.log(
      `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores when measuring started; ` +
        `event store on ${eventStoreThread ? 'a worker thread' : 'the main thread'}`,
    );
    // VOTES=0 or ANSWERS=0 leaves that phase out, to measure or profile the other alone.
    const votes =
      VOTES > 0 ? await load({ url: base, clients: CLIENTS, requests: voteRequests }, esdb) : null;
    const answered =
      ANSWERS > 0
        ? await load({ url: base, clients: CLIENTS, requests: answerRequests }, esdb)
        : null;
    const okVotes = votes ? report('votes', VOTES, votes, 1500) : true;
    const okAnswers = answered ? report('answers', ANSWERS, answered, 500) : true;
    process.exitCode = okVotes && okAnswers ? 0 : 1;
  } finally {
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
