/**
 * The read side's servers for a benchmark, as `npm start` runs them: the embedded
 * EventStoreDB (on a SQLite file in a fresh temporary directory) and MongoDB, each in its own
 * process, with a client for each. `close()` ends clients, servers and the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventStoreDbAdapter } from '@qa/event-store';
import { MongoClient, type Db } from 'mongodb';
import { startEmbedded } from '../../libs/read-models/src/testing/embedded-processes';

export interface ReadSideServers {
  store: EventStoreDbAdapter;
  mongo: MongoClient;
  /** The `qa` database the API and the projector use. */
  db: Db;
  /** The servers' URLs, for an API started on them. */
  eventStoreUrl: string;
  mongoUrl: string;
  /** The server processes' ids (for their CPU time). */
  eventStorePid: number;
  mongoPid: number;
  close(): Promise<void>;
}

export async function startReadSideServers(name: string): Promise<ReadSideServers> {
  const dir = mkdtempSync(path.join(tmpdir(), `bench-${name}-`));
  const esdb = await startEmbedded('eventstoredb', ['--data', path.join(dir, 'eventstore.sqlite')]);
  const mongoServer = await startEmbedded('mongodb');
  const store = new EventStoreDbAdapter(esdb.url);
  const mongo = await new MongoClient(`${mongoServer.url}/qa`).connect();
  return {
    store,
    mongo,
    db: mongo.db('qa'),
    eventStoreUrl: esdb.url,
    mongoUrl: `${mongoServer.url}/qa`,
    eventStorePid: esdb.child.pid!,
    mongoPid: mongoServer.child.pid!,
    async close() {
      await mongo.close();
      await store.close();
      await mongoServer.stop();
      await esdb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
