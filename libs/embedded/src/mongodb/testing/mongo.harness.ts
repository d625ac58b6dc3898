/**
 * The embedded MongoDB server's test bench for its own int specs: one server on a free port
 * and one connected driver client per test file, closed after the file, and (given a prefix)
 * a fresh database per test so no case sees another's documents.
 */
import { MongoClient, type Db } from 'mongodb';
import { startMongoDbServer, type EmbeddedServer } from '../index';

/**
 * Documents with caller-chosen ids and free-form fields: the tests exercise the server, so the
 * driver's schema typing is opened up on purpose.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row<Id = number> = { _id: Id; [field: string]: any };

export interface MongoHarness {
  readonly server: EmbeddedServer;
  readonly client: MongoClient;
  /** The current test's database; only with a database prefix. */
  readonly db: Db;
}

/**
 * Registers the file's hooks. Call it at the top of the file, before the file's own
 * `beforeEach`, so a test's database is chosen before any seeding runs.
 */
export function useMongoHarness(dbPrefix?: string): MongoHarness {
  let server: EmbeddedServer | undefined;
  let client: MongoClient | undefined;
  let db: Db | undefined;
  let n = 0;

  beforeAll(async () => {
    server = await startMongoDbServer({ port: 0 });
    client = new MongoClient(server.url, { serverSelectionTimeoutMS: 2000 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  if (dbPrefix !== undefined) {
    beforeEach(() => {
      db = client!.db(`${dbPrefix}${++n}`);
    });
  }

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the MongoDB test bench has no ${what} here`);
    return value;
  };
  return {
    get server() {
      return ready(server, 'server');
    },
    get client() {
      return ready(client, 'client');
    },
    get db() {
      return ready(db, 'database');
    },
  };
}
