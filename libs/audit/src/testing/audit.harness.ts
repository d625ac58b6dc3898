/**
 * The audit tools' test bench: the embedded EventStoreDB server (in memory) and MongoDB
 * server on real sockets, the EventStoreDB adapter and a MongoDB client, a way to append
 * hand-built events, and a projector stand-in that builds the live read models the way the
 * projector does (the same writer, checkpoint and active version).
 */
import { startEventStoreDbServer, startMongoDbServer, type EmbeddedServer } from '@qa/embedded';
import { EventStoreDbAdapter, type EventStore, type StoredEvent } from '@qa/event-store';
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
  /** Appends events in order (one append each), metadata time = the event's `at`. */
  append(events: ProjectedEvent[]): Promise<StoredEvent[]>;
  /** Brings the live read models (version 1) up to the head of `$all`. */
  project(): Promise<ReadModelStore>;
  /** Stops EventStoreDB and starts it again on the same port and data (a file keeps the events). */
  restartEventStore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the live read models (version 1) up to the head of `$all`, as the projector would:
 * the same writer, then the checkpoint, and version 1 made active.
 */
export class LiveReadModels {
  readonly store: ReadModelStore;
  private readonly writer: ReadModelWriter;
  private projected: StoredEvent | null = null;

  constructor(
    private readonly eventStore: EventStore,
    private readonly db: Db,
  ) {
    this.store = new ReadModelStore(db, 1);
    this.writer = new ReadModelWriter(this.store);
  }

  async project(): Promise<ReadModelStore> {
    await this.store.ensureIndexes();
    await setActiveVersion(this.db, 1);
    const events = await this.eventStore.readAll({
      from: this.projected ? this.projected.position : 'start',
      maxCount: 1_000_000,
    });
    if (events.length > 0) {
      await this.writer.handle(events);
      this.projected = events[events.length - 1];
      await new MongoCheckpointStore(this.db).store(checkpointName(1), this.projected.position);
    }
    return this.store;
  }
}

/** `eventStoreData`: the EventStoreDB's SQLite file (default: in memory). */
export async function startAuditHarness(
  dbName = 'qa',
  eventStoreData = ':memory:',
): Promise<AuditHarness> {
  let esdb = await startEventStoreDbServer({ port: 0, data: eventStoreData });
  const mongo = await startMongoDbServer({ port: 0 });
  const store = new EventStoreDbAdapter(esdb.url);
  const client = await new MongoClient(mongo.url).connect();
  const db = client.db(dbName);
  const live = new LiveReadModels(store, db);

  return {
    get esdb() {
      return esdb;
    },
    mongoUrl: mongo.url,
    store,
    client,
    db,
    async append(events) {
      for (const e of events) {
        const at =
          (e.data as { at?: string; registeredAt?: string }).at ??
          (e.data as { registeredAt?: string }).registeredAt!;
        await store.appendToStream(e.stream, [{ type: e.type, data: e.data }], {
          expectedRevision: 'any',
          metadata: { correlationId: e.id, causationId: e.id, actor: 'test', at, schemaVersion: 1 },
        });
      }
      const head = await store.headPosition();
      return head ? store.readAll({ from: 'start', maxCount: 1_000_000 }) : [];
    },
    project: () => live.project(),
    async restartEventStore() {
      const port = esdb.port;
      await esdb.close();
      esdb = await startEventStoreDbServer({ port, data: eventStoreData });
    },
    async close() {
      await client.close();
      await store.close();
      await mongo.close();
      await esdb.close();
    },
  };
}
