/**
 * Throughput and latency of the embedded EventStoreDB-protocol server, measured with the
 * real `@eventstore/db-client` against the server running in its own child process:
 *   npm run bench:eventstore            (EVENTS=1000000 by default)
 * Prints one line per figure with the target it is held to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';

const root = path.resolve(__dirname, '..');
const TOTAL_EVENTS = Number(process.argv.find((a) => a.startsWith('--events='))?.slice(9) ?? 1_000_000);
const SINGLE_APPENDS = 5_000;

interface ServerProcess {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

async function startServer(data: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(root, 'scripts/register.js'), path.join(root, 'libs/embedded/src/eventstoredb/main.ts'), '--port', '0', '--data', data],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]);
      else reject(new Error(line));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    child,
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  return kb / 1024;
}

function payload(i: number) {
  return jsonEvent({
    type: 'AnswerPosted',
    data: { questionId: `q-${i % 1000}`, answerId: `a-${i}`, body: 'An answer of modest length, as most are.', votes: i % 7 },
  });
}

function report(name: string, value: number, unit: string, target: string, ok: boolean): void {
  console.log(`${name.padEnd(48)} ${value.toFixed(unit === 'ms' ? 3 : 0).padStart(12)} ${unit.padEnd(9)} target ${target.padEnd(14)} ${ok ? 'ok' : 'MISSED'}`);
}

async function sequentialAppends(client: EventStoreDBClient, count: number): Promise<number> {
  for (let i = 0; i < 200; i++) await client.appendToStream(`warm-${i % 10}`, payload(i));
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await client.appendToStream(`single-${i % 100}`, payload(i));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'esdb-bench-'));
  try {
    const memory = await startServer(':memory:');
    const memoryClient = EventStoreDBClient.connectionString(memory.url);
    const memoryRate = await sequentialAppends(memoryClient, SINGLE_APPENDS);
    report('sequential single-event appends, in memory', memoryRate, 'events/s', '>= 5000', memoryRate >= 5000);
    await memoryClient.dispose();
    await memory.stop();

    const disk = await startServer(path.join(dir, 'bench.sqlite'));
    const client = EventStoreDBClient.connectionString(disk.url);
    const diskRate = await sequentialAppends(client, SINGLE_APPENDS);
    report('sequential single-event appends, on disk', diskRate, 'events/s', '>= 3000', diskRate >= 3000);

    const batches = 300;
    let n = 0;
    let started = process.hrtime.bigint();
    for (let b = 0; b < batches; b++) {
      const batch = Array.from({ length: 100 }, () => payload(n++));
      await client.appendToStream(`batch-${b % 50}`, batch);
    }
    const batchRate = (batches * 100) / (Number(process.hrtime.bigint() - started) / 1e9);
    report('100-event batch appends, on disk', batchRate, 'events/s', '>= 50000', batchRate >= 50000);

    // Fill to the requested size with 1,000-event batches over 10,000 streams.
    started = process.hrtime.bigint();
    let stored = SINGLE_APPENDS + 200 + batches * 100;
    while (stored < TOTAL_EVENTS) {
      const size = Math.min(1000, TOTAL_EVENTS - stored);
      const batch = Array.from({ length: size }, () => payload(n++));
      await client.appendToStream(`fill-${stored % 10_000}`, batch);
      stored += size;
    }
    const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`(filled to ${stored} events in ${fillSeconds.toFixed(1)} s)`);

    let seen = 0;
    started = process.hrtime.bigint();
    const subscription = client.subscribeToAll({ fromPosition: START });
    await new Promise<void>((resolve, reject) => {
      subscription.on('data', () => seen++);
      subscription.on('caughtUp', () => resolve());
      subscription.on('error', reject);
    });
    const catchUpRate = seen / (Number(process.hrtime.bigint() - started) / 1e9);
    await subscription.unsubscribe();
    report(`$all catch-up subscription over ${seen} events`, catchUpRate, 'events/s', '>= 50000', catchUpRate >= 50000);

    await client.appendToStream('ten-events', Array.from({ length: 10 }, (_, i) => payload(i)));
    const rounds = 2000;
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = process.hrtime.bigint();
      let count = 0;
      for await (const _ of client.readStream('ten-events')) count++;
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (count !== 10) throw new Error(`read ${count} events`);
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / rounds;
    report(`read of a 10-event stream (mean, ${stored} stored)`, mean, 'ms', '< 1 ms', mean < 1);
    report('read of a 10-event stream (p99)', times[Math.floor(rounds * 0.99)], 'ms', '(info)', true);

    const rss = rssMb(disk.child.pid!);
    report(`server RSS with ${stored} events on disk`, rss, 'MB', '< 300 MB', rss < 300);

    await client.dispose();
    await disk.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
