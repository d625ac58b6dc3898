/**
 * The worker process: the notification reactor (its own `$all` subscription and checkpoint:
 * events -> BullMQ jobs) and the BullMQ processor that renders and sends the emails over a
 * pooled SMTP transport, recording every delivery in MongoDB.
 */
import { Worker } from 'bullmq';
import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import type { Logger } from 'pino';
import type { Runtime, RunningApp } from '@qa/config';
import { ErasedSubjects, PersonalDataVault } from '@qa/common';
import { EventStoreDbAdapter, runSubscription } from '@qa/event-store';
import type { EventStore, RunningSubscription } from '@qa/event-store';
import {
  DeliveriesStore,
  MongoCheckpointStore,
  NOTIFICATION_QUEUE,
  NotificationQueue,
  NotificationReactor,
  NotifyAdminsStore,
  NotifyThreadsStore,
  REACTOR_STREAM_PREFIXES,
  SmtpMailer,
  UnsubscribeStore,
  checkRedisEvictionPolicy,
  createEmailProcessor,
} from '@qa/notifications';
import type { NotificationEmailJob, SmtpMailerOptions } from '@qa/notifications';
import { startProcessorThread } from './processor-thread.host';
import type { ProcessorThread } from './processor-thread.host';

export const REACTOR_SUBSCRIPTION = 'notification-reactor';

/** Knobs with production defaults; tests shorten delays here, never in the defaults. */
export interface WorkerOptions {
  /** BullMQ key prefix (default `bull`). */
  queuePrefix?: string;
  attempts?: number;
  backoffMs?: number;
  /** Jobs processed at once (default 100: each one mostly waits on other servers). */
  concurrency?: number;
  /** Most emails per `durationMs` (default 1,000 a second). */
  rateLimit?: { max: number; durationMs: number };
  /** How often BullMQ looks for jobs whose worker died (default 30 s). */
  stalledIntervalMs?: number;
  /** How long a job's lock lasts without renewal (default 30 s). */
  lockDurationMs?: number;
  smtp?: Omit<SmtpMailerOptions, 'url'>;
  /** Reactor batch size while catching up (default 200). */
  batchSize?: number;
  /** Subscription retry delays (defaults of the runner). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Start only the processor, or only the reactor (default both). */
  run?: { reactor?: boolean; processor?: boolean };
  /**
   * With both parts running, run the processor in a worker thread of its own (default true):
   * the reactor and the sending then each get a core instead of sharing one event loop.
   */
  processorThread?: boolean;
  logger?: Logger;
}

export interface RunningWorker extends RunningApp {
  subscription: RunningSubscription | null;
  deliveries: DeliveriesStore;
  queue: NotificationQueue;
  /** Stops using what this worker (and its processor thread) knows of an erased subject. */
  forget(subject: string): void;
}

export async function startWorker(
  runtime: Runtime,
  options: WorkerOptions = {},
): Promise<RunningWorker> {
  const logger =
    options.logger ??
    pino({ name: 'worker', level: runtime.config.logLevel }).child({ app: 'worker' });
  const runReactor = options.run?.reactor ?? true;
  const runProcessor = options.run?.processor ?? true;
  const processorThread = runReactor && runProcessor && (options.processorThread ?? true);

  const connection: ConnectionOptions = {
    url: runtime.redisUrl,
    // BullMQ's blocking commands need this; ioredis then waits for Redis to come back.
    maxRetriesPerRequest: null,
  };
  const prefix = options.queuePrefix;

  const mongo = new MongoClient(runtime.mongoUrl);
  const db = mongo.db(mongoDbName(runtime.mongoUrl));
  const store: EventStore = new EventStoreDbAdapter(runtime.eventStoreUrl);
  // Keys stay cached between emails; an erasure is checked in the register at send time.
  const vault = new PersonalDataVault(store, {
    hashKey: runtime.secrets.hashKey,
    erasures: new ErasedSubjects(db),
  });
  const deliveries = new DeliveriesStore(db);
  const unsubscribes = new UnsubscribeStore(db);
  try {
    await mongo.connect();
    await deliveries.ensureIndexes();
  } catch (e) {
    // Fail start cleanly: nothing opened so far may keep the process alive.
    await Promise.allSettled([store.close(), mongo.close()]);
    throw e;
  }

  const queue = new NotificationQueue({
    connection,
    prefix,
    attempts: options.attempts,
    backoffMs: options.backoffMs,
  });
  queue.queue.on('error', (e) => logger.warn({ error: e.message }, 'notification queue error'));
  const probe = new Redis(runtime.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await checkRedisEvictionPolicy(probe, logger);
  } catch (e) {
    logger.warn(
      { error: (e as Error).message },
      'Redis did not answer at start; BullMQ keeps retrying',
    );
  } finally {
    probe.disconnect();
  }

  let worker: Worker<NotificationEmailJob> | null = null;
  let mailer: SmtpMailer | null = null;
  let thread: ProcessorThread | null = null;
  if (processorThread) {
    try {
      thread = await startProcessorThread(runtime, options, (e) =>
        logger.error({ error: e.message }, 'notification processor thread failed'),
      );
    } catch (e) {
      await Promise.allSettled([queue.close(), store.close(), mongo.close()]);
      throw e;
    }
  } else if (runProcessor) {
    mailer = new SmtpMailer({ url: runtime.smtpUrl, ...options.smtp });
    const processor = createEmailProcessor({
      vault,
      mailer,
      deliveries,
      unsubscribes,
      logger,
      siteTitle: runtime.config.siteTitle,
      publicUrl: runtime.config.http.publicUrl,
      mailFrom: runtime.config.mailFrom,
      unsubscribeSecret: runtime.secrets.unsubscribeSecret,
    });
    const rate = options.rateLimit ?? { max: 1000, durationMs: 1000 };
    worker = new Worker<NotificationEmailJob>(NOTIFICATION_QUEUE, processor, {
      connection,
      prefix,
      concurrency: options.concurrency ?? 100,
      limiter: { max: rate.max, duration: rate.durationMs },
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      lockDuration: options.lockDurationMs ?? 30_000,
      // A job whose worker died twice mid-send is failed rather than risked a third time.
      maxStalledCount: 2,
    });
    worker.on('error', (e) => logger.warn({ error: e.message }, 'notification worker error'));
  }

  const forget = (subject: string) => {
    vault.forget(subject);
    thread?.forget(subject);
  };

  let subscription: RunningSubscription | null = null;
  if (runReactor) {
    const reactor = new NotificationReactor({
      store,
      vault: {
        open: (sealed) => vault.open(sealed),
        hashEmail: (email) => vault.hashEmail(email),
        // An erasure the reactor sees also stops this worker's sends at once.
        forget: (subject) => forget(subject),
      },
      threads: new NotifyThreadsStore(db),
      admins: new NotifyAdminsStore(db),
      enqueue: (jobs) => queue.enqueue(jobs),
      notifyAdminOnQuestion: runtime.config.notifyAdminOnQuestion,
      logger,
    });
    subscription = runSubscription({
      store,
      name: REACTOR_SUBSCRIPTION,
      checkpoints: new MongoCheckpointStore(db),
      handler: (events) => reactor.onEvents(events),
      streamPrefixes: REACTOR_STREAM_PREFIXES,
      batchSize: options.batchSize ?? 200,
      retryDelayMs: options.retryDelayMs,
      maxRetryDelayMs: options.maxRetryDelayMs,
      logger: {
        info: (message, context) => logger.info(context ?? {}, message),
        warn: (message, context) => logger.warn(context ?? {}, message),
        error: (message, context) => logger.error(context ?? {}, message),
      },
    });
  }
  logger.info({ reactor: runReactor, processor: runProcessor }, 'worker started');

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // Producer first, so nothing new is enqueued; then let in-flight sends finish.
    await subscription?.stop();
    await worker?.close();
    await thread?.stop();
    await queue.close();
    await mailer?.close();
    await store.close();
    await mongo.close();
    logger.info('worker stopped');
  };
  return {
    name: 'worker',
    subscription,
    deliveries,
    queue,
    forget,
    stop: () => (stopping ??= stop()),
  };
}

/** The database named in the URL's path, `qa` when there is none (as the API uses). */
function mongoDbName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || 'qa';
}
