/**
 * The audit tools' test bench: the embedded EventStoreDB server (in memory) and MongoDB
 * server on real sockets, the EventStoreDB adapter and a MongoDB client, a way to append
 * hand-built events, and a projector stand-in that builds the live read models the way the
 * projector does (the same writer, checkpoint and active version).
 */
import { startEventStoreDbServer, startMongoDbServer, type EmbeddedServer } from '@qa/embedded';
import { EventStoreDbAdapter, type StoredEvent } from '@qa/event-store';
import {
  checkpointName,
  MongoCheckpointStore,
  ReadModelStore,
  ReadModelWriter,
  setActiveVersion,
  type ProjectedEvent,
} from '@qa/read-models';
import { MongoClient, type Db } from 'mongodb';

export interface AuditHarness {
  esdb: EmbeddedServer;
  mongoUrl: string;
  store: EventStoreDbAdapter;
  client: MongoClient;
  db: Db;
  scratchDb: Db;
  /** Appends events in order (one append each), metadata time = the event's `at`. */
  append(events: ProjectedEvent[]): Promise<StoredEvent[]>;
  /** Brings the live read models (version 1) up to the head of `$all`. */
  project(): Promise<ReadModelStore>;
  close(): Promise<void>;
}

export async function startAuditHarness(dbName = 'qa'): Promise<AuditHarness> {
  const esdb = await startEventStoreDbServer({ port: 0, data: ':memory:' });
  const mongo = await startMongoDbServer({ port: 0 });
  const store = new EventStoreDbAdapter(esdb.url);
  const client = await new MongoClient(mongo.url).connect();
  const db = client.db(dbName);
  const live = new ReadModelStore(db, 1);
  const writer = new ReadModelWriter(live);
  const checkpoints = new MongoCheckpointStore(db);
  let projected: StoredEvent | null = null;

  return {
    esdb,
    mongoUrl: mongo.url,
    store,
    client,
    db,
    scratchDb: client.db(`${dbName}_audit`),
    async append(events) {
      for (const e of events) {
        const at = (e.data as { at?: string; registeredAt?: string }).at ?? (e.data as { registeredAt?: string }).registeredAt!;
        await store.appendToStream(e.stream, [{ type: e.type, data: e.data }], {
          expectedRevision: 'any',
          metadata: { correlationId: e.id, causationId: e.id, actor: 'test', at, schemaVersion: 1 },
        });
      }
      const head = await store.headPosition();
      return head ? store.readAll({ from: 'start', maxCount: 1_000_000 }) : [];
    },
    async project() {
      await live.ensureIndexes();
      await setActiveVersion(db, 1);
      const events = await store.readAll({ from: projected ? projected.position : 'start', maxCount: 1_000_000 });
      if (events.length > 0) {
        await writer.handle(events);
        projected = events[events.length - 1];
        await checkpoints.store(checkpointName(1), projected.position);
      }
      return live;
    },
    async close() {
      await client.close();
      await store.close();
      await mongo.close();
      await esdb.close();
    },
  };
}
