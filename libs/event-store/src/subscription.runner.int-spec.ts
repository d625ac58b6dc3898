/**
 * The subscription runner on the EventStoreDB adapter against the embedded server: batching
 * while catching up, checkpoints, resuming, retries after handler failures, and a server
 * process killed and restarted under a running subscription.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEventStoreDbServer, type EmbeddedServer } from '../../embedded/src/eventstoredb';
import { EventStoreDbAdapter } from './event-store-db.adapter';
import { contractMetadata, eventually } from './event-store.contract';
import { EVENT_STORE_UNAVAILABLE } from './event-store.errors';
import type { EventStore, Position, StoredEvent } from './event-store.port';
import { InMemoryCheckpointStore } from './in-memory-checkpoint.store';
import { runSubscription, type RunningSubscription } from './subscription.runner';

// Servers start and child processes compile on a shared machine: allow for a slow one.
jest.setTimeout(30_000);

const category = (name: string) => `${name}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const streamOf = (cat: string, i: number) => `${cat}-s${i}`;

/** Appends `count` events spread over `streams` streams of the category, `chunk` per append. */
const appendMany = async (store: EventStore, cat: string, count: number, streams = 5, from = 0) => {
  const revisions = new Map<string, bigint>();
  for (let n = from; n < from + count; n++) {
    const stream = streamOf(cat, n % streams);
    const existing = revisions.get(stream);
    const result = await store.appendToStream(stream, [{ type: 'RunnerTested', data: { n } }], {
      expectedRevision: existing ?? 'any',
      metadata: contractMetadata(),
    });
    revisions.set(stream, result.nextRevision);
  }
};

const idsIn = async (store: EventStore, cat: string) =>
  (await store.readAll({ from: 'start', maxCount: 1_000_000 }))
    .filter((e) => e.stream.startsWith(`${cat}-`))
    .map((e) => e.id);

describe('runSubscription on the EventStoreDB adapter', () => {
  let server: EmbeddedServer;
  let store: EventStoreDbAdapter;
  const runners: RunningSubscription[] = [];
  const start = (options: Omit<Parameters<typeof runSubscription>[0], 'store'>) => {
    const runner = runSubscription({ store, retryDelayMs: 20, maxRetryDelayMs: 200, ...options });
    runners.push(runner);
    return runner;
  };

  beforeAll(async () => {
    server = await startEventStoreDbServer({ port: 0, data: ':memory:' });
    store = new EventStoreDbAdapter(server.url);
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  });

  afterAll(async () => {
    await store?.close();
    await server?.close();
  });

  it('batches the catch-up, then delivers live events one by one, checkpointing each', async () => {
    const cat = category('batch');
    await appendMany(store, cat, 230);
    const checkpoints = new InMemoryCheckpointStore();
    const batches: StoredEvent[][] = [];
    const caughtUp: (Position | null)[] = [];
    const runner = start({
      name: 'batching',
      checkpoints,
      streamPrefixes: [`${cat}-`],
      batchSize: 50,
      handler: async (events) => void batches.push(events),
      onCaughtUp: (position) => void caughtUp.push(position),
    });

    await runner.waitUntilCaughtUp();
    const expected = await idsIn(store, cat);
    expect(batches.flat().map((e) => e.id)).toEqual(expected);
    expect(Math.max(...batches.map((b) => b.length))).toBe(50);
    expect(batches.length).toBeLessThan(20);
    const last = batches.flat().at(-1)!.position;
    expect(caughtUp).toEqual([last]);
    expect(runner.caughtUp).toBe(true);
    expect(runner.position).toEqual(last);
    expect(await checkpoints.load('batching')).toEqual(last);

    const before = batches.length;
    await appendMany(store, cat, 1, 5, 230);
    await eventually(() => batches.length === before + 1, 'first live event delivered');
    expect(batches[before].map((e) => (e.data as { n: number }).n)).toEqual([230]);
    await appendMany(store, cat, 2, 5, 231);
    await eventually(() => batches.flat().length === 233, 'live events delivered');
    expect(batches.flat().slice(230).map((e) => (e.data as { n: number }).n)).toEqual([230, 231, 232]);
    const [head] = await store.readStream(streamOf(cat, 232 % 5), { direction: 'backwards', maxCount: 1 });
    expect(await runner.waitForPosition(head.position, 5_000)).toBe(true);
    expect(await checkpoints.load('batching')).toEqual(head.position);
  });

  it('resumes after a stop from its checkpoint, delivering only what came after', async () => {
    const cat = category('resume');
    const checkpoints = new InMemoryCheckpointStore();
    const seen: string[] = [];
    const options = {
      name: 'resume',
      checkpoints,
      streamPrefixes: [`${cat}-`],
      handler: async (events: StoredEvent[]) => void seen.push(...events.map((e) => e.id)),
    };
    await appendMany(store, cat, 20);
    const first = start(options);
    await first.waitUntilCaughtUp();
    await first.stop();
    expect(seen).toHaveLength(20);

    await appendMany(store, cat, 15, 5, 20);
    const second = start(options);
    expect(second.position).toBeNull();
    await eventually(() => seen.length >= 35, 'events appended while stopped delivered');
    await second.waitUntilCaughtUp();
    expect(seen).toEqual(await idsIn(store, cat));
    expect(second.position).toEqual(await checkpoints.load('resume'));
  });

  it('retries a failed batch from the checkpoint without skipping or reordering', async () => {
    const cat = category('retry');
    await appendMany(store, cat, 60);
    const committed: string[] = [];
    let failures = 0;
    const runner = start({
      name: 'retry',
      checkpoints: new InMemoryCheckpointStore(),
      streamPrefixes: [`${cat}-`],
      batchSize: 8,
      // Fails the batch holding event 25 twice, like a projection whose database hiccups;
      // a batch is committed all or nothing.
      handler: async (events) => {
        if (events.some((e) => (e.data as { n: number }).n === 25) && failures < 2) {
          failures += 1;
          throw new Error('write conflict');
        }
        committed.push(...events.map((e) => e.id));
      },
    });
    await runner.waitUntilCaughtUp();
    expect(failures).toBe(2);
    expect(committed).toEqual(await idsIn(store, cat));
  });

  it('moves its position past events its filter skips, so read-your-writes never waits forever', async () => {
    const cat = category('mine');
    const other = category('other');
    await appendMany(store, cat, 2);
    const checkpoints = new InMemoryCheckpointStore();
    const runner = start({
      name: 'filtered',
      checkpoints,
      streamPrefixes: [`${cat}-`],
      handler: async () => undefined,
    });
    await runner.waitUntilCaughtUp();
    // Enough skipped events for the server to send filter checkpoints past them.
    await appendMany(store, other, 100);
    const [skipped] = await store.readStream(streamOf(other, 0));
    expect(await runner.waitForPosition(skipped.position, 10_000)).toBe(true);
    expect((await checkpoints.load('filtered'))!.commit).toBeGreaterThanOrEqual(skipped.position.commit);
  });

  it('stops promptly while waiting to retry', async () => {
    const cat = category('stop');
    await appendMany(store, cat, 1);
    const [event] = await store.readStream(streamOf(cat, 0));
    const warnings: string[] = [];
    let attempts = 0;
    const runner = runSubscription({
      store,
      name: 'stop',
      checkpoints: new InMemoryCheckpointStore(),
      streamPrefixes: [`${cat}-`],
      retryDelayMs: 60_000,
      logger: { info: () => {}, warn: (message) => void warnings.push(message), error: () => {} },
      handler: async () => {
        attempts += 1;
        throw new Error('always failing');
      },
    });
    await eventually(() => warnings.length === 1, 'first failure reported');
    const stopping = Date.now();
    await runner.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(attempts).toBe(1);
    expect(runner.caughtUp).toBe(false);
    expect(await runner.waitForPosition(event.position, 1)).toBe(false);
  });
});

describe('runSubscription across a server restart', () => {
  const root = resolve(__dirname, '../../..');
  let dir: string;
  let child: ChildProcess | null = null;

  /** Starts the embedded server as its own process, as `npm run embedded` does. */
  const startServerProcess = (port: number, file: string) =>
    new Promise<ChildProcess>((resolveStarted, reject) => {
      const proc = spawn(
        process.execPath,
        ['-r', './scripts/register.js', 'libs/embedded/src/eventstoredb/main.ts', '--port', String(port), '--data', file],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening on')) {
          proc.stdout?.off('data', onData);
          resolveStarted(proc);
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.once('exit', (code) => reject(new Error(`server process exited (${code}): ${output}`)));
    });

  const kill = (proc: ChildProcess) =>
    new Promise<void>((resolveKilled) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolveKilled();
      proc.once('exit', () => resolveKilled());
      proc.kill('SIGKILL');
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qa-runner-'));
  });

  afterAll(async () => {
    if (child) await kill(child);
    await rm(dir, { recursive: true, force: true });
  });

  it('resubscribes after the server process is killed and restarted, delivering every event once in order', async () => {
    const port = await freePort();
    const file = join(dir, 'events.sqlite');
    child = await startServerProcess(port, file);
    const store = new EventStoreDbAdapter(`esdb://127.0.0.1:${port}?tls=false`);
    const cat = category('restart');
    const warnings: string[] = [];
    const seen: StoredEvent[] = [];
    const checkpoints = new InMemoryCheckpointStore();
    let runner: RunningSubscription | null = null;
    try {
      await appendMany(store, cat, 200);
      runner = runSubscription({
        store,
        name: 'restart',
        checkpoints,
        streamPrefixes: [`${cat}-`],
        batchSize: 10,
        retryDelayMs: 50,
        maxRetryDelayMs: 400,
        logger: { info: () => {}, warn: (message) => void warnings.push(message), error: () => {} },
        // Slow enough that the server dies in the middle of the catch-up.
        handler: async (events) => {
          await new Promise((r) => setTimeout(r, 3));
          seen.push(...events);
        },
      });
      await eventually(() => seen.length >= 50, 'catch-up under way');
      await kill(child);
      child = null;
      await expect(store.readStream(streamOf(cat, 0))).rejects.toMatchObject({ code: EVENT_STORE_UNAVAILABLE });
      const deliveredWhileDown = seen.length;
      expect(deliveredWhileDown).toBeLessThan(200);

      child = await startServerProcess(port, file);
      await eventually(async () => {
        try {
          await store.headPosition();
          return true;
        } catch {
          return false;
        }
      }, 'server reachable again');
      await appendMany(store, cat, 50, 5, 200);
      await eventually(() => seen.length >= 250, 'every event delivered after the restart', 20_000);
      await runner.waitUntilCaughtUp();

      expect(warnings.length).toBeGreaterThan(0);
      expect(seen.map((e) => e.id)).toEqual(await idsIn(store, cat));
      expect(seen.map((e) => (e.data as { n: number }).n).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 250 }, (_, n) => n),
      );
      expect(runner.position).toEqual(seen.at(-1)!.position);
    } finally {
      await runner?.stop();
      await store.close();
    }
  });
});

const freePort = () =>
  new Promise<number>((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
