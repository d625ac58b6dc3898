/**
 * Everything a worker test needs, all real: the embedded EventStoreDB and MongoDB servers
 * through their real clients, the shared Redis with a queue prefix of its own, an SMTP
 * listener, a Runtime pointing at them, and a fixture that appends domain events.
 * `close()` stops everything it started and removes the test's Redis keys.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import pino from 'pino';
import { ErasedSubjects, PersonalDataVault } from '@qa/common';
import { EventStoreDbAdapter } from '@qa/event-store';
import { startEventStoreDbServer } from '../../../../libs/embedded/src/eventstoredb';
import { startMongoDbServer } from '../../../../libs/embedded/src/mongodb';
import { testRuntime } from '../../../../test/support/test-runtime';
import type { TestRuntime } from '../../../../test/support/test-runtime';
import { startWorker } from '../worker.app';
import type { RunningWorker, WorkerOptions } from '../worker.app';
import { QaFixture } from './qa.fixture';
import { startSmtpListener } from './smtp.listener';
import type { SmtpListener } from './smtp.listener';

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Redis to use (default: the shared one); the "Redis restarted" test brings its own. */
  redisUrl?: string;
  /** Keep the event store on a file, to survive a restart of the server. */
  esdbData?: string;
}

export interface Harness {
  runtime: TestRuntime;
  smtp: SmtpListener;
  store: EventStoreDbAdapter;
  vault: PersonalDataVault;
  fixture: QaFixture;
  db: Db;
  prefix: string;
  /** Worker options every test wants: its own queue prefix, short backoffs, quiet logs. */
  workerOptions(extra?: WorkerOptions): WorkerOptions;
  startWorker(extra?: WorkerOptions): Promise<RunningWorker>;
  /** Keys of this test's queue in Redis (to prove cleanup and inspect jobs). */
  redisKeys(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const esdb = await startEventStoreDbServer({ port: 0, data: options.esdbData ?? ':memory:' });
  const mongoServer = await startMongoDbServer({ port: 0 });
  const smtp = await startSmtpListener();
  const runtime = testRuntime(
    {
      PUBLIC_URL: 'https://qa.example',
      SITE_TITLE: 'Gardening Q&A',
      MAIL_FROM: 'Gardening Q&A <noreply@qa.example>',
      ...options.env,
    },
    {
      eventStoreUrl: esdb.url,
      mongoUrl: `${mongoServer.url}/qa`,
      smtpUrl: smtp.url,
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    },
  );
  const store = new EventStoreDbAdapter(esdb.url);
  const vault = new PersonalDataVault(store, { hashKey: runtime.secrets.hashKey });
  const mongo = new MongoClient(runtime.mongoUrl);
  await mongo.connect();
  const prefix = `bull-test-${randomBytes(6).toString('hex')}`;
  const workers: RunningWorker[] = [];
  const quiet = pino({ level: 'silent' });

  const workerOptions = (extra: WorkerOptions = {}): WorkerOptions => ({
    queuePrefix: prefix,
    backoffMs: 50,
    stalledIntervalMs: 1_000,
    lockDurationMs: 2_000,
    retryDelayMs: 50,
    maxRetryDelayMs: 200,
    smtp: { socketTimeoutMs: 2_000, connectionTimeoutMs: 2_000, greetingTimeoutMs: 2_000 },
    logger: quiet,
    // In process, so tests see the processor's effects directly; one test covers the thread.
    processorThread: false,
    ...extra,
  });

  const redisKeys = async () => {
    const redis = new Redis(runtime.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      return keys;
    } finally {
      redis.disconnect();
    }
  };

  return {
    runtime,
    smtp,
    store,
    vault,
    fixture: new QaFixture(store, vault, new ErasedSubjects(mongo.db('qa'))),
    db: mongo.db('qa'),
    prefix,
    workerOptions,
    async startWorker(extra) {
      const worker = await startWorker(runtime, workerOptions(extra));
      workers.push(worker);
      return worker;
    },
    redisKeys,
    async close() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      const keys = await redisKeys().catch(() => []);
      if (keys.length > 0) {
        const redis = new Redis(runtime.redisUrl, { maxRetriesPerRequest: 1 });
        await redis.del(...keys).catch(() => undefined);
        redis.disconnect();
      }
      await store.close();
      await mongo.close();
      await smtp.close();
      await mongoServer.close();
      await esdb.close();
      runtime.cleanup();
    },
  };
}
