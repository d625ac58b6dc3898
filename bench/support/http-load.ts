/**
 * A lean HTTP GET load generator for the read benchmarks: CLIENTS concurrent clients, each
 * with its own keep-alive connection (support/raw-http, one socket per client), asking for random
 * pages from a path template for a warm-up and then a measured time. It runs in a child
 * process (`loadInChild`), so it neither shares the server's event loop nor hides its own
 * CPU: the figures include the CPU it spent per request.
 *
 * A path template takes `{q}` (a random question id of the site, `q` + base 36 index) and
 * `{p}` (a random page 1..50).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { RawHttpConnection, rawRequest } from './raw-http';

export interface LoadJob {
  url: string;
  /** e.g. `/api/v1/questions/{q}` */
  path: string;
  /** How many questions the site has (`{q}` is drawn from them). */
  questions: number;
  clients: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  /** Latencies in ms. */
  p50: number;
  p99: number;
  /** Responses other than 200, and failed requests. */
  errors: number;
  /** Response body bytes received in the measured time. */
  bytes: number;
  /** CPU (user + system) the load generator spent per measured request, in ms. */
  cpuMsPerRequest: number;
}

/** What a child sends its parent: when the measured time starts, then the result. */
type LoadMessage = { kind: 'measuring' } | { kind: 'result'; result: LoadResult };

function targetFor(template: string, questions: number, x: number): string {
  return template
    .replace('{q}', `q${(x % questions).toString(36)}`)
    .replace('{p}', String(1 + (x % 50)));
}

/** Runs the load in this process; `onMeasuring` is called when the measured time starts. */
export async function runLoad(
  job: LoadJob,
  onMeasuring: () => void = () => {},
): Promise<LoadResult> {
  const url = new URL(job.url);
  const connections = await Promise.all(
    Array.from({ length: job.clients }, () =>
      RawHttpConnection.connect(url.hostname, Number(url.port)),
    ),
  );
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;

  const run = async (
    connection: RawHttpConnection,
    until: number,
    record: boolean,
    seed: number,
  ) => {
    let x = seed;
    while (Date.now() < until) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const target = targetFor(job.path, job.questions, x);
      const t = performance.now();
      try {
        const response = await connection.send(rawRequest('GET', target, {}));
        if (response.status !== 200) errors++;
        if (record) {
          latencies.push(performance.now() - t);
          bytes += response.bytes;
        }
      } catch {
        errors++;
      }
    }
  };

  const warmupEnd = Date.now() + job.warmupSeconds * 1000;
  await Promise.all(connections.map((c, i) => run(c, warmupEnd, false, i + 1)));
  errors = 0;
  onMeasuring();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = Date.now() + job.seconds * 1000;
  await Promise.all(connections.map((c, i) => run(c, end, true, i * 7919 + 17)));
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  for (const connection of connections) connection.close();

  latencies.sort((a, b) => a - b);
  const p = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: p(0.5),
    p99: p(0.99),
    errors,
    bytes,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
  };
}

/**
 * Runs the load in a child process; `onMeasuring` is called (in this process) when the
 * measured time starts, so the caller can take its own CPU readings over the same window.
 */
export function loadInChild(job: LoadJob, onMeasuring: () => void = () => {}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--http-load-child'], {
      execArgv: ['-r', path.join(__dirname, '../../scripts/register.js')],
      serialization: 'advanced',
    });
    child.on('message', (message: LoadMessage) => {
      if (message.kind === 'measuring') onMeasuring();
      else resolve(message.result);
    });
    child.once(
      'exit',
      (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)),
    );
    child.send(job);
  });
}

if (require.main === module && process.argv.includes('--http-load-child')) {
  process.once('message', (job: LoadJob) => {
    runLoad(job, () => process.send!({ kind: 'measuring' } satisfies LoadMessage)).then(
      (result) =>
        process.send!({ kind: 'result', result } satisfies LoadMessage, () => process.exit(0)),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
