/**
 * Throughput and latency of the embedded EventStoreDB-protocol server, measured with the
 * real `@eventstore/db-client` against the server running in its own child process:
 *   npm run bench:eventstore            (EVENTS=1000000 by default)
 * Prints one line per figure with the target it is held to.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { processCpu, rssMb } from './support/server-process';
import {
  spawnServer,
  type ServerProcess,
} from '../libs/read-models/src/testing/embedded-processes';
import { arg } from './support/args';

const root = path.resolve(__dirname, '..');
const TOTAL_EVENTS = arg('events', 1_000_000);
const SINGLE_APPENDS = 5_000;

function startServer(data: string): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return spawnServer(
    [
      ...nodeArgs,
      '-r',
      path.join(root, 'scripts/register.js'),
      path.join(root, 'libs/embedded/src/eventstoredb/main.ts'),
      '--port',
      '0',
      '--data',
      data,
    ],
    root,
  );
}

/**
 * Runs `work` and reports, besides wall time, the CPU each side spent: on a shared 2-core
 * machine the figures only mean something next to where the time went.
 */
async function measured<T>(
  serverPid: number,
  work: () => Promise<T>,
): Promise<{ result: T; seconds: number; clientCpu: number; serverCpu: number }> {
  const client0 = process.cpuUsage();
  const server0 = processCpu(serverPid);
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(client0);
  return {
    result,
    seconds,
    clientCpu: (client.user + client.system) / 1e6,
    serverCpu: processCpu(serverPid) - server0,
  };
}

function cpuNote(
  m: { clientCpu: number; serverCpu: number },
  operations: number,
  unit: string,
): string {
  const us = (s: number) => ((s * 1e6) / operations).toFixed(0);
  return `    (cpu per ${unit}: client ${us(m.clientCpu)} µs, server ${us(m.serverCpu)} µs)`;
}

function payload(i: number) {
  return jsonEvent({
    type: 'AnswerPosted',
    data: {
      questionId: `q-${i % 1000}`,
      answerId: `a-${i}`,
      body: 'An answer of modest length, as most are.',
      votes: i % 7,
    },
  });
}

function report(name: string, value: number, unit: string, target: string, ok: boolean): void {
  console.log(
    `${name.padEnd(48)} ${value.toFixed(unit === 'ms' ? 3 : 0).padStart(12)} ${unit.padEnd(9)} target ${target.padEnd(14)} ${ok ? 'ok' : 'MISSED'}`,
  );
}

async function sequentialAppends(client: EventStoreDBClient, serverPid: number, count: number) {
  for (let i = 0; i < 200; i++) await client.appendToStream(`warm-${i % 10}`, payload(i));
  const m = await measured(serverPid, async () => {
    for (let i = 0; i < count; i++) await client.appendToStream(`single-${i % 100}`, payload(i));
  });
  return { rate: count / m.seconds, note: cpuNote(m, count, 'append') };
}

/**
 * The cost of gRPC itself on this machine, as a yardstick: a bare grpc-js server (in its
 * own process) echoing one small message per call on a duplex stream, and answering a
 * 10-message server stream, driven by a bare grpc-js client. No event store client can
 * beat these with any server.
 */
const identity = (b: Buffer) => b;
const FLOOR_SERVICE = {
  echo: {
    path: '/floor.Floor/Echo',
    requestStream: true,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
  read: {
    path: '/floor.Floor/Read',
    requestStream: false,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
} as grpc.ServiceDefinition;

function runFloorServer(): void {
  const server = new grpc.Server();
  const message = Buffer.alloc(250, 1);
  server.addService(FLOOR_SERVICE, {
    echo: (call: grpc.ServerDuplexStream<Buffer, Buffer>) =>
      call.on('data', (d: Buffer) => call.write(d)),
    read: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      for (let i = 0; i < 10; i++) call.write(message);
      call.end();
    },
  });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (_e, port) =>
    process.send!(port),
  );
}

async function measureFloor(): Promise<void> {
  const child = fork(__filename, ['--floor-server'], {
    execArgv: ['-r', path.join(root, 'scripts/register.js')],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const port = await new Promise<number>((resolve) =>
    child.once('message', (p) => resolve(p as number)),
  );
  const Client = grpc.makeGenericClientConstructor(FLOOR_SERVICE, 'Floor');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client &
    Record<string, (...args: unknown[]) => unknown>;
  const call = client.echo() as grpc.ClientDuplexStream<Buffer, Buffer>;
  let answered: () => void = () => undefined;
  call.on('data', () => answered());
  // The yardstick server is killed at the end; its stream's reset is expected.
  call.on('error', () => undefined);
  const roundTrip = () =>
    new Promise<void>((resolve) => {
      answered = resolve;
      call.write(Buffer.alloc(300, 1));
    });
  for (let i = 0; i < 300; i++) await roundTrip();
  const echo = await measured(child.pid!, async () => {
    for (let i = 0; i < SINGLE_APPENDS; i++) await roundTrip();
  });
  report(
    '(yardstick) bare grpc-js duplex round trips',
    SINGLE_APPENDS / echo.seconds,
    'per s',
    '(info)',
    true,
  );
  console.log(cpuNote(echo, SINGLE_APPENDS, 'round trip'));
  const read = () =>
    new Promise<void>((resolve) => {
      const stream = client.read(Buffer.alloc(20)) as grpc.ClientReadableStream<Buffer>;
      stream.on('data', () => undefined);
      stream.on('end', resolve);
    });
  for (let i = 0; i < 200; i++) await read();
  const reads = await measured(child.pid!, async () => {
    for (let i = 0; i < 2000; i++) await read();
  });
  report(
    '(yardstick) bare grpc-js 10-message read',
    (reads.seconds * 1000) / 2000,
    'ms',
    '(info)',
    true,
  );
  console.log(cpuNote(reads, 2000, 'read'));
  call.end();
  client.close();
  child.kill();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'esdb-bench-'));
  try {
    await measureFloor();

    const memory = await startServer(':memory:');
    const memoryClient = EventStoreDBClient.connectionString(memory.url);
    const inMemory = await sequentialAppends(memoryClient, memory.child.pid!, SINGLE_APPENDS);
    report(
      'sequential single-event appends, in memory',
      inMemory.rate,
      'events/s',
      '>= 5000',
      inMemory.rate >= 5000,
    );
    console.log(inMemory.note);
    await memoryClient.dispose();
    await memory.stop();

    const disk = await startServer(path.join(dir, 'bench.sqlite'));
    const client = EventStoreDBClient.connectionString(disk.url);
    const pid = disk.child.pid!;
    const onDisk = await sequentialAppends(client, pid, SINGLE_APPENDS);
    report(
      'sequential single-event appends, on disk',
      onDisk.rate,
      'events/s',
      '>= 3000',
      onDisk.rate >= 3000,
    );
    console.log(onDisk.note);

    const batches = 300;
    let n = 0;
    const batched = await measured(pid, async () => {
      for (let b = 0; b < batches; b++) {
        const batch = Array.from({ length: 100 }, () => payload(n++));
        await client.appendToStream(`batch-${b % 50}`, batch);
      }
    });
    const batchRate = (batches * 100) / batched.seconds;
    report(
      '100-event batch appends, on disk',
      batchRate,
      'events/s',
      '>= 50000',
      batchRate >= 50000,
    );
    console.log(cpuNote(batched, batches * 100, 'event'));

    // Fill to the requested size with 1,000-event batches over 10,000 streams.
    const started = process.hrtime.bigint();
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
    const subscription = client.subscribeToAll({ fromPosition: START });
    const catchUp = await measured(
      pid,
      () =>
        new Promise<void>((resolve, reject) => {
          subscription.on('data', () => seen++);
          subscription.on('caughtUp', () => resolve());
          subscription.on('error', reject);
        }),
    );
    const catchUpRate = seen / catchUp.seconds;
    await subscription.unsubscribe();
    report(
      `$all catch-up subscription over ${seen} events`,
      catchUpRate,
      'events/s',
      '>= 50000',
      catchUpRate >= 50000,
    );
    console.log(cpuNote(catchUp, seen, 'event'));

    await client.appendToStream(
      'ten-events',
      Array.from({ length: 10 }, (_, i) => payload(i)),
    );
    const rounds = 2000;
    const times: number[] = [];
    const reads = await measured(pid, async () => {
      for (let i = 0; i < rounds; i++) {
        const t = process.hrtime.bigint();
        let count = 0;
        for await (const _ of client.readStream('ten-events')) count++;
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (count !== 10) throw new Error(`read ${count} events`);
      }
    });
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / rounds;
    report(`read of a 10-event stream (mean, ${stored} stored)`, mean, 'ms', '< 1 ms', mean < 1);
    report(
      'read of a 10-event stream (median)',
      times[Math.floor(rounds / 2)],
      'ms',
      '(info)',
      true,
    );
    report(
      'read of a 10-event stream (p99)',
      times[Math.floor(rounds * 0.99)],
      'ms',
      '(info)',
      true,
    );
    console.log(cpuNote(reads, rounds, 'read'));

    const rss = rssMb(disk.child.pid!);
    report(`server RSS with ${stored} events on disk`, rss, 'MB', '< 300 MB', rss < 300);

    await client.dispose();
    await disk.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--floor-server')) runFloorServer();
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
