import { startMongoDbServer } from '@qa/embedded';
import { MongoClient, type Db } from 'mongodb';
import type { StoredEvent } from '@qa/event-store';
import { MemoryDocSet, ReadModelProjection } from './read-model.projection';
import { ReadModelStore } from './read-model.store';
import { ReadModelWriter } from './read-model.writer';
import { MongoCheckpointStore } from './read-model.meta';
import { WRITE_ORDER, type LedgerDoc } from './read-model.documents';
import { seededRandom } from '../../../common/src/testing/seeded-random';
import { generateHistory } from '../testing/history.generator';
import { asProjected } from '../testing/history.fixture';
import { EventFactory, given, snapshot } from '../testing/events.fixture';
import type { ProjectedEvent } from './projection.context';

/** The projected events back in the shape the subscription delivers them. */
const asStored = (events: ProjectedEvent[]): StoredEvent[] =>
  events.map((e) => ({
    id: e.id,
    type: e.type,
    stream: e.stream,
    revision: e.revision,
    position: { commit: BigInt(e.pos), prepare: BigInt(e.pos) },
    data: e.data,
    metadata: { correlationId: 'c', causationId: 'c', actor: 'a', at: '', schemaVersion: 1 },
    created: new Date(0),
  }));

async function dump(store: ReadModelStore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const c of WRITE_ORDER) {
    const docs = await store.collection(c).find({}).toArray();
    out[c] = Object.fromEntries(docs.map((d) => [d._id, d]));
  }
  return JSON.parse(JSON.stringify(out));
}

jest.setTimeout(60_000);

describe('read model store on the embedded MongoDB server', () => {
  let server: Awaited<ReturnType<typeof startMongoDbServer>>;
  let client: MongoClient;
  let db: Db;
  const history = asProjected(generateHistory(11, 1500));
  const expected = snapshot(given(history));

  beforeAll(async () => {
    server = await startMongoDbServer({ port: 0 });
    client = await new MongoClient(server.url).connect();
    db = client.db('readmodels');
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('writes, batch by batch, exactly the documents the pure projection gives', async () => {
    const store = new ReadModelStore(db, 1);
    await store.ensureIndexes();
    const writer = new ReadModelWriter(store, new ReadModelProjection(), { cacheSize: 100 });
    const rnd = seededRandom(3);
    for (let i = 0; i < history.length; ) {
      const n = 1 + Math.floor(rnd() * 120);
      await writer.handle(asStored(history.slice(i, i + n)));
      i += n;
    }
    expect(await dump(store)).toEqual(expected);
  });

  it('building empty collections, loads only documents it wrote and evicted, and writes the same documents', async () => {
    const store = new ReadModelStore(db, 7);
    await store.ensureIndexes('first');
    const loaded: string[] = [];
    const load = store.load.bind(store);
    store.load = (async (collection, ids) => {
      loaded.push(...ids.map((id) => `${collection}/${id}`));
      return load(collection, ids);
    }) as ReadModelStore['load'];
    const writer = new ReadModelWriter(store, new ReadModelProjection(), { cacheSize: 50 });
    writer.assumeEmpty();
    const written = new Set<string>();
    const rnd = seededRandom(5);
    for (let i = 0; i < history.length; ) {
      const n = 1 + Math.floor(rnd() * 200);
      await writer.handle(asStored(history.slice(i, i + n)));
      for (const c of WRITE_ORDER) for (const d of await store.collection(c).find({}).toArray()) written.add(`${c}/${d._id}`);
      i += n;
    }
    expect(await dump(store)).toEqual(expected);
    // a small cache evicts, so some documents come back from MongoDB, but only ones it had written
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((key) => !written.has(key))).toEqual([]);
    expect((await store.collection('users').indexes()).map((i) => i.name)).toEqual(['_id_', 'usernameLower']);
    await store.ensureIndexes();
    expect((await store.collection('users').indexes()).map((i) => i.name)).toEqual(['_id_', 'usernameLower', 'points']);
  });

  it('staged batches are written in order behind each other; a failed write fails those queued after it, unsent', async () => {
    const store = new ReadModelStore(db, 8);
    const write = store.write.bind(store);
    let calls = 0;
    const sent: number[] = [];
    store.write = (async (...args: Parameters<ReadModelStore['write']>) => {
      const call = ++calls;
      if (call === 3) {
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('MongoDB went away');
      }
      sent.push(call);
      return write(...args);
    }) as ReadModelStore['write'];
    // a cache large enough that nothing is evicted: staging never waits for a load
    const writer = new ReadModelWriter(store, new ReadModelProjection(), { cacheSize: 10_000 });
    writer.assumeEmpty();
    const batches = [0, 300, 600, 900, 1200].map((i) => asStored(history.slice(i, i + 300)));
    for (const batch of batches) await writer.stage(batch);
    await expect(writer.settled()).rejects.toThrow('MongoDB went away');
    // the batches after the failed one were folded but never sent
    expect(sent).toEqual([1, 2]);
    // a retry starts again from what MongoDB holds, guarded, and ends where the history does
    await writer.reset();
    for (const batch of batches.slice(2)) await writer.stage(batch);
    await writer.stage(asStored(history.slice(1500)));
    await writer.settled();
    expect(await dump(store)).toEqual(expected);
  });

  it('loads an evicted document once its own queued write is done, without waiting for the writes of others', async () => {
    const store = new ReadModelStore(db, 9);
    const write = store.write.bind(store);
    let calls = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    store.write = (async (...args: Parameters<ReadModelStore['write']>) => {
      // the second batch's write stays in flight until released
      if (++calls === 2) await held;
      return write(...args);
    }) as ReadModelStore['write'];
    const f = new EventFactory();
    const level = (userId: string, value: 10 | 20) => f.make(`user-${userId}`, 'UserLevelChanged', { userId, level: value, changedBy: 'admin', at: f.at() });
    const events = [f.user('u1'), f.user('u2'), f.user('u3'), level('u1', 10), level('u3', 20)];
    // one document kept: every other one is evicted, to be loaded again when needed
    const writer = new ReadModelWriter(store, new ReadModelProjection(), { cacheSize: 1 });
    await writer.handle(asStored(events.slice(0, 2)));
    await writer.stage(asStored(events.slice(2, 3)));
    // u1 was written by the first batch: it loads while the second batch's write is held
    const u1 = writer.stage(asStored(events.slice(3, 4)));
    await expect(Promise.race([u1.then(() => 'staged'), new Promise((r) => setTimeout(() => r('waiting'), 1000))])).resolves.toBe('staged');
    // u3's own write is the held one: its load waits for it
    let u3Staged = false;
    const u3 = writer.stage(asStored(events.slice(4))).then(() => (u3Staged = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(u3Staged).toBe(false);
    release();
    await u3;
    await writer.settled();
    expect(await dump(store)).toEqual(snapshot(given(events)));
  });

  it('changes nothing when batches are handled again by a fresh writer (a restart after a crash)', async () => {
    const store = new ReadModelStore(db, 2);
    await store.ensureIndexes();
    await new ReadModelWriter(store).handle(asStored(history));
    const restarted = new ReadModelWriter(store);
    await restarted.handle(asStored(history.slice(500, 900)));
    await restarted.handle(asStored(history.slice(0, 1200)));
    expect(await dump(store)).toEqual(expected);
  });

  it('never lets a guarded write move a document back to an older state', async () => {
    const store = new ReadModelStore(db, 3);
    await store.ensureIndexes();
    await new ReadModelWriter(store).handle(asStored(history));
    // a second writer that believes nothing exists yet replays an old prefix
    const stale = new ReadModelWriter(store);
    const docs = new MemoryDocSet();
    given(history.slice(0, 300), docs);
    await store.write({ users: [...docs.collections.users.values()], questions: [...docs.collections.questions.values()] });
    await stale.handle(asStored(history.slice(0, 10)));
    expect(await dump(store)).toEqual(expected);
  });

  it('keeps checkpoints by name', async () => {
    const checkpoints = new MongoCheckpointStore(db);
    expect(await checkpoints.load('x')).toBeNull();
    await checkpoints.store('x', { commit: 18446744073709551615n, prepare: 5n });
    expect(await checkpoints.load('x')).toEqual({ commit: 18446744073709551615n, prepare: 5n });
  });

  it('drops a version', async () => {
    const store = new ReadModelStore(db, 4);
    await store.ensureIndexes();
    await new ReadModelWriter(store).handle(asStored(history.slice(0, 50)));
    await store.drop();
    expect(await store.collection('users').countDocuments({})).toBe(0);
  });

  it('sends a big write as commands of a few thousand writes each, and it lands whole', async () => {
    // The embedded server runs one command at a time: a command of 100,000 writes (the
    // driver's own limit) would keep every other client waiting until it is done.
    const monitored = await new MongoClient(server.url, { monitorCommands: true }).connect();
    const sizes: number[] = [];
    monitored.on('commandStarted', (e) => {
      if (e.commandName === 'insert') sizes.push((e.command.documents as unknown[]).length);
    });
    try {
      const store = new ReadModelStore(monitored.db('readmodels'), 40);
      await store.ensureIndexes();
      const entries: LedgerDoc[] = Array.from({ length: 20_000 }, (_, i) => ({
        _id: `entry-${i}`,
        userId: `user-${i % 50}`,
        at: '2024-01-01T00:00:00.000Z',
        delta: 10,
        reason: 'question_upvoted',
        eventId: `event-${i}`,
        pos: i + 1,
      }));
      // a redo: some entries are there already
      await store.collection('ledger').insertMany(entries.slice(5_000, 5_010));
      sizes.length = 0;
      await store.write({ ledger: entries });
      expect(sizes.length).toBeGreaterThanOrEqual(10);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(2_000);
      expect(await store.collection('ledger').countDocuments({})).toBe(20_000);
      expect(await store.collection('ledger').countDocuments({ userId: 'user-7' })).toBe(400);
    } finally {
      await monitored.close();
    }
  });
});
