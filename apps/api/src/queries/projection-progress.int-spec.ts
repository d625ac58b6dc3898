/**
 * Read-your-writes against the embedded MongoDB: requests wait for the projector's checkpoint,
 * and requests arriving together share one read of it.
 */
import { startMongoDbServer } from '@qa/embedded';
import { CHECKPOINTS_COLLECTION, ReadModelLocator, checkpointName, setActiveVersion } from '@qa/read-models';
import { MongoClient, type CommandStartedEvent, type Db } from 'mongodb';
import { ProjectionProgress } from './projection-progress';

describe('ProjectionProgress', () => {
  let server: Awaited<ReturnType<typeof startMongoDbServer>>;
  let client: MongoClient;
  let db: Db;
  let progress: ProjectionProgress;
  const checkpointReads: CommandStartedEvent[] = [];

  const setCheckpoint = (commit: bigint) =>
    db
      .collection<{ _id: string; commit: string; prepare: string }>(CHECKPOINTS_COLLECTION)
      .updateOne({ _id: checkpointName(1) }, { $set: { commit: commit.toString(), prepare: commit.toString() } }, { upsert: true });

  beforeAll(async () => {
    server = await startMongoDbServer({ port: 0 });
    client = await new MongoClient(`${server.url.replace(/\/?$/, '')}/qa`, { monitorCommands: true }).connect();
    client.on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command.find === CHECKPOINTS_COLLECTION) checkpointReads.push(event);
    });
    db = client.db('qa');
    await setActiveVersion(db, 1);
    progress = new ProjectionProgress(new ReadModelLocator(db));
  });

  afterAll(async () => {
    progress.onModuleDestroy();
    await client.close();
    await server.close();
  });

  it('answers requests arriving together with a single read of the checkpoint', async () => {
    await setCheckpoint(100n);
    checkpointReads.length = 0;
    const reached = await Promise.all(Array.from({ length: 20 }, () => progress.waitFor(50n, 1000)));
    expect(reached).toEqual(Array(20).fill(true));
    expect(checkpointReads).toHaveLength(1);
  });

  it('waits until the projector reaches the position', async () => {
    const waiting = progress.waitFor(200n, 3000);
    await new Promise((r) => setTimeout(r, 50));
    await setCheckpoint(200n);
    await expect(waiting).resolves.toBe(true);
  });

  it('gives up after the time limit when the projector stays behind', async () => {
    await expect(progress.waitFor(500n, 100)).resolves.toBe(false);
  });
});
