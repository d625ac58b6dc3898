/**
 * The read side's servers for a benchmark, as `npm start` runs them: the embedded
 * EventStoreDB (on a SQLite file in a fresh temporary directory) and MongoDB, each in its own
 * process, with a client for each. `close()` ends clients, servers and the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventStoreDbAdapter } from '@qa/event-store';
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { startEmbedded } from '../../libs/read-models/src/testing/embedded-processes';
import { processCpu } from './server-process';

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

/** `clientOptions`: for the MongoDB client (the servers' own settings stay as they are). */
export async function startReadSideServers(
  name: string,
  clientOptions: MongoClientOptions = {},
): Promise<ReadSideServers> {
  const dir = mkdtempSync(path.join(tmpdir(), `bench-${name}-`));
  const esdb = await startEmbedded('eventstoredb', ['--data', path.join(dir, 'eventstore.sqlite')]);
  const mongoServer = await startEmbedded('mongodb');
  const store = new EventStoreDbAdapter(esdb.url);
  const mongo = await new MongoClient(`${mongoServer.url}/qa`, clientOptions).connect();
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

/** CPU seconds used, per process. */
export interface CpuUse {
  own: number;
  eventStore: number;
  mongo: number;
}

/**
 * Starts counting the CPU this process and the two servers use (from /proc, Linux only); the
 * function it returns tells the seconds each used since.
 */
export function cpuCounter(
  servers: Pick<ReadSideServers, 'eventStorePid' | 'mongoPid'>,
): () => CpuUse {
  const now = (): CpuUse => {
    const own = process.cpuUsage();
    return {
      own: (own.user + own.system) / 1e6,
      eventStore: processCpu(servers.eventStorePid),
      mongo: processCpu(servers.mongoPid),
    };
  };
  const before = now();
  return () => {
    const after = now();
    return {
      own: after.own - before.own,
      eventStore: after.eventStore - before.eventStore,
      mongo: after.mongo - before.mongo,
    };
  };
}

/**
 * Starts counting the CPU this process and the two servers use; the function it returns tells
 * what each used since, per unit of work (`units` of it done), in ms or us: the figure that
 * still means something on a busy machine.
 */
export function cpuMeter(
  servers: Pick<ReadSideServers, 'eventStorePid' | 'mongoPid'>,
): (units: number, unit: 'ms' | 'us') => string {
  const since = cpuCounter(servers);
  return (units, unit) => {
    const scale = unit === 'ms' ? 1e3 : 1e6;
    const used = since();
    const [own, eventStore, mongo] = [used.own, used.eventStore, used.mongo].map((s) =>
      ((s * scale) / Math.max(1, units)).toFixed(1),
    );
    return `this process ${own} ${unit}, EventStoreDB ${eventStore} ${unit}, MongoDB ${mongo} ${unit}`;
  };
}
