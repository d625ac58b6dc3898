/**
 * The EventStoreDB adapter against the embedded EventStoreDB-protocol server through the
 * real `@eventstore/db-client`: the shared port contract in memory and on a SQLite file,
 * then what only this adapter does (schema versions and upcasting, error translation).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEventStoreDbServer, type EmbeddedServer } from '../../embedded/src/eventstoredb';
import { EventStoreDbAdapter } from './event-store-db.adapter';
import { contractMetadata, describeEventStoreContract, eventually } from './event-store.contract';
import { EVENT_STORE_UNAVAILABLE } from './event-store.errors';
import { EventTypeRegistry } from './event-type.registry';

// Servers start and child processes compile on a shared machine: allow for a slow one.
jest.setTimeout(30_000);

describeEventStoreContract('EventStoreDB adapter, embedded server in memory', async () => {
  const server = await startEventStoreDbServer({ port: 0, data: ':memory:' });
  return { store: new EventStoreDbAdapter(server.url), teardown: () => server.close() };
});

describeEventStoreContract('EventStoreDB adapter, embedded server on a SQLite file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qa-event-store-'));
  const server = await startEventStoreDbServer({ port: 0, data: join(dir, 'events.sqlite') });
  return {
    store: new EventStoreDbAdapter(server.url),
    teardown: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('EventStoreDbAdapter', () => {
  let server: EmbeddedServer;
  const adapters: EventStoreDbAdapter[] = [];
  const connect = (registry?: EventTypeRegistry) => {
    const adapter = new EventStoreDbAdapter(server.url, registry ? { registry } : {});
    adapters.push(adapter);
    return adapter;
  };

  beforeAll(async () => {
    server = await startEventStoreDbServer({ port: 0, data: ':memory:' });
  });

  afterAll(async () => {
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await server?.close();
  });

  it('stamps the registered schema version and upcasts old events on every read', async () => {
    const stream = `question-${randomUUID().replace(/-/g, '')}`;
    const v1 = new EventTypeRegistry().register('QuestionTagged', { version: 1 });
    const v2 = new EventTypeRegistry().register('QuestionTagged', {
      version: 2,
      upcasters: { 1: (data: { tag: string }) => ({ tags: [data.tag] }) },
    });
    const oldRelease = connect(v1);
    const newRelease = connect(v2);

    await oldRelease.appendToStream(stream, [{ type: 'QuestionTagged', data: { tag: 'sql' } }], {
      expectedRevision: 'no_stream',
      // The caller's version is overridden by the registry for known types.
      metadata: contractMetadata({ schemaVersion: 9 }),
    });
    await newRelease.appendToStream(stream, [{ type: 'QuestionTagged', data: { tags: ['a', 'b'] } }], {
      expectedRevision: 0n,
      metadata: contractMetadata(),
    });

    const raw = await connect(new EventTypeRegistry()).readStream(stream);
    expect(raw.map((e) => [e.metadata.schemaVersion, e.data])).toEqual([
      [1, { tag: 'sql' }],
      [2, { tags: ['a', 'b'] }],
    ]);

    const current = await newRelease.readStream(stream);
    expect(current.map((e) => [e.metadata.schemaVersion, e.data])).toEqual([
      [2, { tags: ['sql'] }],
      [2, { tags: ['a', 'b'] }],
    ]);
    const [first] = current;
    const fromAll = await newRelease.readAll({ from: 'start', maxCount: 1_000_000 });
    expect(fromAll.find((e) => e.id === first.id)?.data).toEqual({ tags: ['sql'] });

    // subscribed, or catching up from pages read on another thread: upcast all the same
    for (const readAhead of [false, true]) {
      const delivered: unknown[] = [];
      const subscription = newRelease.subscribeToAll(
        { from: 'start', streamPrefixes: [stream], readAhead },
        { onEvents: async (events) => void delivered.push(...events.map((e) => e.data)) },
      );
      try {
        const deadline = Date.now() + 10_000;
        while (delivered.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        expect(delivered).toEqual([{ tags: ['sql'] }, { tags: ['a', 'b'] }]);
      } finally {
        await subscription.stop();
      }
    }
  });

  it('reading ahead for a slow handler, holds at most two batches and two pages', async () => {
    const store = connect();
    const stream = `slow-${randomUUID()}`;
    for (let i = 0; i < 20_000; i += 1000) {
      await store.appendToStream(
        stream,
        Array.from({ length: 1000 }, (_, k) => ({ type: 'Noted', data: { n: i + k } })),
        { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1), metadata: contractMetadata() },
      );
    }
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const subscription = store.subscribeToAll(
      { from: 'start', streamPrefixes: [stream], batchSize: 100, readAhead: true },
      {
        onEvents: async (events) => {
          await held;
          handled += events.length;
        },
      },
    );
    try {
      // the handler holds its first batch; the thread reads on only while there is room
      const received = () => (subscription as unknown as { received: number }).received;
      await eventually(() => received() >= 200, 'the first pages read ahead', 20_000);
      await new Promise((r) => setTimeout(r, 3000));
      expect(received()).toBeLessThanOrEqual(100 + 200 + 2 * 4096);
      release();
      await eventually(() => handled === 20_000, 'every event handled once released', 30_000);
    } finally {
      release();
      await subscription.stop();
    }
  });

  it('passes events of unknown types through untouched', async () => {
    const stream = `import-${randomUUID().replace(/-/g, '')}`;
    const adapter = connect();
    await adapter.appendToStream(stream, [{ type: 'LegacyThingImported', data: { shape: 'theirs' } }], {
      expectedRevision: 'no_stream',
      metadata: contractMetadata({ schemaVersion: 4 }),
    });
    const [event] = await adapter.readStream(stream);
    expect([event.type, event.data, event.metadata.schemaVersion]).toEqual([
      'LegacyThingImported',
      { shape: 'theirs' },
      4,
    ]);
  });

  it('reports a subscription cut off by the server going away as a drop, after the batch in flight', async () => {
    const own = await startEventStoreDbServer({ port: 0, data: ':memory:' });
    const adapter = new EventStoreDbAdapter(own.url);
    adapters.push(adapter);
    await adapter.appendToStream('question-q1', [{ type: 'QuestionTagged', data: {} }], {
      expectedRevision: 'no_stream',
      metadata: contractMetadata(),
    });
    let release!: () => void;
    const inFlight = new Promise<void>((resolveBatch) => (release = resolveBatch));
    const order: string[] = [];
    let dropped: Error | undefined;
    adapter.subscribeToAll(
      { from: 'start' },
      {
        onEvents: async () => {
          order.push('batch started');
          await inFlight;
          order.push('batch done');
        },
        onDropped: (error) => {
          order.push('dropped');
          dropped = error;
        },
      },
    );
    await eventually(() => order.length === 1, 'batch in flight');
    await own.close();
    await new Promise((r) => setTimeout(r, 20));
    release();
    await eventually(() => dropped !== undefined, 'drop reported');
    expect(order).toEqual(['batch started', 'batch done', 'dropped']);
    expect(dropped).toMatchObject({ kind: 'unavailable', code: EVENT_STORE_UNAVAILABLE });
  });

  it('reports an unreachable server as EVENT_STORE_UNAVAILABLE', async () => {
    const port = await freePort();
    const adapter = new EventStoreDbAdapter(`esdb://127.0.0.1:${port}?tls=false`);
    adapters.push(adapter);
    const unavailable = { kind: 'unavailable', code: EVENT_STORE_UNAVAILABLE };
    await expect(
      adapter.appendToStream('question-x', [{ type: 'QuestionTagged', data: {} }], {
        expectedRevision: 'any',
        metadata: contractMetadata(),
      }),
    ).rejects.toMatchObject(unavailable);
    await expect(adapter.readStream('question-x')).rejects.toMatchObject(unavailable);
    await expect(adapter.readAll({ from: 'start', maxCount: 1 })).rejects.toMatchObject(unavailable);
    await expect(adapter.headPosition()).rejects.toMatchObject(unavailable);
    // a catch-up read ahead on its own thread reports the same, as a drop
    const dropped = await new Promise<Error>((resolve) =>
      adapter.subscribeToAll({ from: 'start', readAhead: true }, { onEvents: async () => undefined, onDropped: resolve }),
    );
    expect(dropped).toMatchObject(unavailable);
  });
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
