/**
 * The projector against the embedded servers: a long seeded history projected live equals the
 * pure projection and a replay; the projector survives MongoDB and EventStoreDB restarts and
 * a kill -9 at random points, and always ends with the documents a clean replay gives.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEventStoreDbServer, startMongoDbServer } from '@qa/embedded';
import { EventStoreDbAdapter, type EventMetadata, type Position } from '@qa/event-store';
import { activeVersion } from '@qa/read-models';
import { MongoClient, type Db } from 'mongodb';
import { seededRandom } from '../../../libs/common/src/testing/seeded-random';
import { generateHistory, type GeneratedEvent } from '../../../libs/read-models/src/testing/history.generator';
import { testRuntime, type TestRuntime } from '../../../test/support/test-runtime';
import { startProjector, type RunningProjector } from './projector.app';
import { replayReadModels } from './read-model.replay';
import { dumpVersion, expectedFromHistory, waitForCheckpoint } from './testing/read-models.dump';

jest.setTimeout(240_000);

const metadata: EventMetadata = { correlationId: 'c', causationId: 'c', actor: 'test', at: '2025-01-01T00:00:00.000Z', schemaVersion: 1 };
const root = path.resolve(__dirname, '../../..');

async function appendAll(store: EventStoreDbAdapter, events: GeneratedEvent[]): Promise<Position> {
  let last: Position | null = null;
  for (const e of events) {
    // a fixed event id makes a retry after a restart harmless (the store de-duplicates)
    const id = randomUUID();
    for (let attempt = 0; ; attempt += 1) {
      try {
        last = (await store.appendToStream(e.stream, [{ id, type: e.type, data: e.data }], { expectedRevision: 'any', metadata })).position;
        break;
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return last!;
}

describe('projector on the embedded servers', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'projector-spec-'));
  const history = generateHistory(2024, 3000);
  let esdb: Awaited<ReturnType<typeof startEventStoreDbServer>>;
  let mongo: Awaited<ReturnType<typeof startMongoDbServer>>;
  let store: EventStoreDbAdapter;
  let client: MongoClient;
  let db: Db;
  let runtime: TestRuntime;
  let projector: RunningProjector | null = null;

  beforeAll(async () => {
    esdb = await startEventStoreDbServer({ port: 0, data: path.join(dir, 'events.sqlite') });
    mongo = await startMongoDbServer({ port: 0 });
    store = new EventStoreDbAdapter(esdb.url);
    client = await new MongoClient(`${mongo.url}/qa`).connect();
    db = client.db('qa');
    runtime = testRuntime({}, { eventStoreUrl: esdb.url, mongoUrl: `${mongo.url}/qa` });
  });

  afterAll(async () => {
    await projector?.stop();
    await client?.close();
    await store?.close();
    await mongo?.close();
    await esdb?.close();
    runtime?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('projects a long history live (catch-up, then one event at a time), equal to the pure projection and to a replay', async () => {
    await appendAll(store, history.slice(0, 2000));
    projector = await startProjector(runtime, { batchSize: 200 });
    const head = await appendAll(store, history.slice(2000, 2600));
    await waitForCheckpoint(db, head);
    const expected = await expectedFromHistory(store);
    const live = await dumpVersion(db, await activeVersion(db));
    expect(Object.keys(live.questions).length).toBeGreaterThan(100);
    expect(live).toEqual(expected);

    const progress: number[] = [];
    const result = await replayReadModels({ db, eventStore: store, graceMs: 1500, onProgress: (p) => progress.push(p.events) });
    expect(result.version).toBe(2);
    expect(result.events).toBeGreaterThanOrEqual(2600);
    expect(progress.length).toBeGreaterThan(0);
    expect(await activeVersion(db)).toBe(2);
    expect(await dumpVersion(db, 2)).toEqual(expected);
    // the old version is gone, and the running projector followed the switch
    expect(await db.listCollections({ name: 'questions_v1' }).toArray()).toEqual([]);
    const more = await appendAll(store, history.slice(2600, 2700));
    await waitForCheckpoint(db, more);
    expect(await dumpVersion(db, 2)).toEqual(await expectedFromHistory(store));
  });

  it('rebuilds after MongoDB restarts empty, and resumes after EventStoreDB restarts', async () => {
    const port = mongo.port;
    await mongo.close();
    mongo = await startMongoDbServer({ port });
    const afterMongo = await appendAll(store, history.slice(2700, 2800));
    await waitForCheckpoint(db, afterMongo);
    expect(await dumpVersion(db, await activeVersion(db))).toEqual(await expectedFromHistory(store));

    const esdbPort = esdb.port;
    await esdb.close();
    esdb = await startEventStoreDbServer({ port: esdbPort, data: path.join(dir, 'events.sqlite') });
    const afterEsdb = await appendAll(store, history.slice(2800, 2900));
    await waitForCheckpoint(db, afterEsdb);
    expect(await dumpVersion(db, await activeVersion(db))).toEqual(await expectedFromHistory(store));
    await projector!.stop();
    projector = null;
  });

  it('converges to the same documents when killed with SIGKILL at random points and restarted', async () => {
    // start from nothing: a fresh database, the whole history to catch up with
    await db.dropDatabase();
    const head = await appendAll(store, history.slice(2900));
    const env = { ...process.env, EVENTSTORE_URL: esdb.url, MONGODB_URL: `${mongo.url}/qa`, LOG_LEVEL: 'silent' };
    const spawnChild = () =>
      new Promise<ChildProcess>((resolve, reject) => {
        const child = fork(path.join(__dirname, 'testing/projector.child.ts'), ['40'], {
          cwd: root,
          env,
          execArgv: ['-r', path.join(root, 'scripts/register.js')],
          stdio: 'ignore',
        });
        child.once('message', () => resolve(child));
        child.once('error', reject);
      });
    const rnd = seededRandom(99);
    for (let kill = 0; kill < 4; kill += 1) {
      const child = await spawnChild();
      await new Promise((r) => setTimeout(r, 300 + Math.floor(rnd() * 900)));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    const last = await spawnChild();
    try {
      await waitForCheckpoint(db, head, 180_000);
      expect(await dumpVersion(db, await activeVersion(db))).toEqual(await expectedFromHistory(store));
    } finally {
      const exited = new Promise((r) => last.once('exit', r));
      last.kill('SIGTERM');
      await exited;
    }
  });
});
