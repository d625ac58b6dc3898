/**
 * For a spec's `describe` block: a read-model store on a fresh embedded MongoDB server whose
 * client records every command it sends, for specs that count round trips (how many finds a
 * batch of reads costs). The server starts before the block's own `beforeAll` hooks (which
 * may seed it) and stops after its tests; the record is emptied before each test.
 */
import { startMongoDbServer } from '@qa/embedded';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { ReadModelStore } from '../engine/read-model.store';

export interface WatchedStore {
  /** The store (once the block's `beforeAll` hooks run). */
  readonly store: ReadModelStore;
  /** The commands sent since the test started; a test may empty it (`length = 0`) itself. */
  readonly started: CommandStartedEvent[];
}

export function watchedStore(version = 1): WatchedStore {
  const started: CommandStartedEvent[] = [];
  let running: { store: ReadModelStore; close(): Promise<void> } | null = null;
  beforeAll(async () => {
    const server = await startMongoDbServer({ port: 0 });
    const client = await new MongoClient(`${server.url.replace(/\/?$/, '')}/qa`, {
      monitorCommands: true,
    }).connect();
    client.on('commandStarted', (e) => started.push(e));
    running = {
      store: new ReadModelStore(client.db('qa'), version),
      close: async () => {
        await client.close();
        await server.close();
      },
    };
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(() => {
    started.length = 0;
  });
  return {
    get store() {
      if (!running) throw new Error('the watched store starts in beforeAll');
      return running.store;
    },
    started,
  };
}
