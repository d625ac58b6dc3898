/**
 * A read-model store on a fresh embedded MongoDB server whose client records every command
 * it sends, for specs that count round trips (how many finds a batch of reads costs).
 */
import { startMongoDbServer } from '@qa/embedded';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { ReadModelStore } from '../engine/read-model.store';

export interface WatchedStore {
  store: ReadModelStore;
  /** The commands sent so far; specs empty it (`length = 0`) before what they count. */
  started: CommandStartedEvent[];
  close(): Promise<void>;
}

export async function startWatchedStore(version = 1): Promise<WatchedStore> {
  const server = await startMongoDbServer({ port: 0 });
  const client = await new MongoClient(`${server.url.replace(/\/?$/, '')}/qa`, {
    monitorCommands: true,
  }).connect();
  const started: CommandStartedEvent[] = [];
  client.on('commandStarted', (e) => started.push(e));
  return {
    store: new ReadModelStore(client.db('qa'), version),
    started,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}
