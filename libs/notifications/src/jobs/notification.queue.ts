/**
 * The notification queue with its production settings: retries with exponential backoff,
 * old completed jobs removed, failed jobs kept for inspection. Tests shorten the backoff
 * through these options, never by changing the defaults.
 */
import { Queue } from 'bullmq';
import type { ConnectionOptions, JobsOptions } from 'bullmq';
import type { NotificationEmailJob, NotificationJobs } from './notification.jobs';
import {
  NOTIFICATION_QUEUE,
  SEND_NOTIFICATION_EMAIL,
  notificationJobId,
} from './notification.jobs';

export interface NotificationQueueOptions {
  connection: ConnectionOptions;
  /** Redis key prefix (default `bull`): lets tests and tenants share one Redis. */
  prefix?: string;
  /** At least 5: a mail server may be down for a while. */
  attempts?: number;
  /** First retry delay; each next one doubles. */
  backoffMs?: number;
  /** Completed jobs kept at most this long and this many (for dashboards; the log is in MongoDB). */
  keepCompleted?: { ageSeconds: number; count: number };
}

export const DEFAULT_ATTEMPTS = 8;
export const DEFAULT_BACKOFF_MS = 5_000;

export function notificationJobOptions(
  options: Omit<NotificationQueueOptions, 'connection'>,
): JobsOptions {
  return {
    attempts: Math.max(5, options.attempts ?? DEFAULT_ATTEMPTS),
    backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
    removeOnComplete: {
      age: options.keepCompleted?.ageSeconds ?? 24 * 3600,
      count: options.keepCompleted?.count ?? 10_000,
    },
    // Failed jobs stay until someone looks at them: they are the record of what went wrong.
    removeOnFail: false,
  };
}

export class NotificationQueue {
  readonly queue: Queue<NotificationEmailJob, unknown, keyof NotificationJobs>;

  constructor(options: NotificationQueueOptions) {
    this.queue = new Queue(NOTIFICATION_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: notificationJobOptions(options),
    });
  }

  /** Enqueues one job per delivery; ids already known to BullMQ are ignored. */
  async enqueue(jobs: NotificationEmailJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: SEND_NOTIFICATION_EMAIL,
        data,
        opts: { jobId: notificationJobId(data.eventId, data.recipient.hash) },
      })),
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
