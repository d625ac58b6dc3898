/**
 * Keeps one named consumer of `$all` running: the projector's and the notification
 * reactor's subscriptions both go through it.
 *
 * It starts after the consumer's stored checkpoint, hands events to the handler in `$all`
 * order, and stores the checkpoint only after the handler resolved, so the checkpoint never
 * runs ahead of durable work. When the connection drops or the handler fails, it waits
 * (exponential backoff, capped) and resubscribes from the last stored checkpoint: events
 * after it are delivered again (consumers are idempotent), none is skipped or reordered.
 */
import type { CheckpointStore } from './checkpoint-store.port';
import type { EventStore, Position, StoredEvent } from './event-store.port';
import { comparePositions } from './event-store.port';

export interface SubscriptionLogger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export interface SubscriptionRunnerOptions {
  store: EventStore;
  /** Names the checkpoint; one name per consumer. */
  name: string;
  checkpoints: CheckpointStore;
  /** Handles events in `$all` order; the checkpoint moves once it resolves. */
  handler: (events: StoredEvent[]) => Promise<void>;
  /** Most events per handler call while catching up (default 100). */
  batchSize?: number;
  /** Only streams with these name prefixes (system streams are always skipped). */
  streamPrefixes?: string[];
  logger?: SubscriptionLogger;
  /** First retry delay (default 100 ms), doubled per failed attempt up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  /** Cap of the retry delay (default 5 s). */
  maxRetryDelayMs?: number;
  /** Idle gap after which a partial catch-up batch is delivered (default 10 ms). */
  idleFlushMs?: number;
  /** Catch up from pages read and decoded on another thread (SubscribeToAllOptions). */
  readAhead?: boolean;
  /**
   * Called on every drop (or failed handler) before the wait and the resubscription, with
   * the error and the wait: a consumer can report it, or `stop()` to give up.
   */
  onRetry?: (retry: { error: Error; retryInMs: number }) => void;
  /** Same as registering with `onCaughtUp` on the returned handle, before anything runs. */
  onCaughtUp?: (position: Position | null) => void;
}

export interface RunningSubscription {
  readonly name: string;
  /** The position of the last event handled and checkpointed (or the loaded checkpoint). */
  readonly position: Position | null;
  /** True between catching up and the next drop or stop. */
  readonly caughtUp: boolean;
  /** Called on every catch-up (after each (re)subscription); returns an unsubscribe function. */
  onCaughtUp(listener: (position: Position | null) => void): () => void;
  /** Resolves once caught up; rejects after `timeoutMs`. */
  waitUntilCaughtUp(timeoutMs?: number): Promise<void>;
  /**
   * Resolves true once everything up to `position` was handled, false after `timeoutMs`
   * (read-your-writes: the API waits on this before answering a query).
   */
  waitForPosition(position: Position, timeoutMs: number): Promise<boolean>;
  /** Stops after the batch in flight; resolves once its checkpoint is stored. */
  stop(): Promise<void>;
}

const silentLogger: SubscriptionLogger = { info: () => {}, warn: () => {}, error: () => {} };

interface PositionWaiter {
  position: Position;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
}

export const runSubscription = (options: SubscriptionRunnerOptions): RunningSubscription => {
  const { store, name, checkpoints, handler } = options;
  const logger = options.logger ?? silentLogger;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;

  let position: Position | null = null;
  let caughtUp = false;
  let stopped = false;
  let wakeFromBackoff: (() => void) | null = null;
  const caughtUpListeners = new Set<(position: Position | null) => void>();
  const waiters = new Set<PositionWaiter>();
  if (options.onCaughtUp) caughtUpListeners.add(options.onCaughtUp);

  const advance = (to: Position) => {
    if (position && comparePositions(to, position) <= 0) return;
    position = to;
    for (const waiter of waiters) {
      if (comparePositions(waiter.position, to) <= 0) {
        waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      }
    }
  };

  /** Runs one subscription until it drops (resolves with the error) or is stopped (null). */
  const subscribeOnce = (from: Position | null, onProgress: () => void) =>
    new Promise<Error | null>((resolve) => {
      const subscription = store.subscribeToAll(
        {
          from: from ?? 'start',
          streamPrefixes: options.streamPrefixes,
          batchSize: options.batchSize,
          idleFlushMs: options.idleFlushMs,
          readAhead: options.readAhead,
        },
        {
          onEvents: async (events) => {
            await handler(events);
            const last = events[events.length - 1].position;
            await checkpoints.store(name, last);
            advance(last);
            onProgress();
          },
          onCheckpoint: async (reached) => {
            await checkpoints.store(name, reached);
            advance(reached);
          },
          onCaughtUp: (reached) => {
            caughtUp = true;
            logger.info('subscription caught up', { name, position: reached?.commit.toString() ?? null });
            for (const listener of [...caughtUpListeners]) {
              try {
                listener(reached);
              } catch (error) {
                logger.error('caught-up listener failed', { name, error: String(error) });
              }
            }
          },
          onDropped: (error) => {
            caughtUp = false;
            resolve(error);
          },
        },
      );
      stopCurrent = async () => {
        await subscription.stop();
        resolve(null);
      };
    });
  let stopCurrent: (() => Promise<void>) | null = null;

  const backoff = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeFromBackoff = null;
        resolve();
      }
      wakeFromBackoff = done;
    });

  const loop = async () => {
    let attempt = 0;
    while (!stopped) {
      let failure: Error | null;
      try {
        const from = await checkpoints.load(name);
        if (from) advance(from);
        if (stopped) break;
        failure = await subscribeOnce(from, () => {
          attempt = 0;
        });
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
      stopCurrent = null;
      if (stopped || !failure) break;
      const delay = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** attempt);
      attempt += 1;
      logger.warn('subscription dropped; resubscribing from its checkpoint', {
        name,
        error: failure.message,
        retryInMs: delay,
      });
      options.onRetry?.({ error: failure, retryInMs: delay });
      if (stopped) break;
      await backoff(delay);
    }
  };

  const running = loop().catch((error: unknown) => {
    logger.error('subscription runner failed', { name, error: String(error) });
  });

  return {
    name,
    get position() {
      return position;
    },
    get caughtUp() {
      return caughtUp;
    },
    onCaughtUp(listener) {
      caughtUpListeners.add(listener);
      return () => caughtUpListeners.delete(listener);
    },
    waitUntilCaughtUp(timeoutMs = 10_000) {
      if (caughtUp) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          caughtUpListeners.delete(listener);
          reject(new Error(`Subscription ${name} did not catch up within ${timeoutMs} ms.`));
        }, timeoutMs);
        const listener = () => {
          clearTimeout(timer);
          caughtUpListeners.delete(listener);
          resolve();
        };
        caughtUpListeners.add(listener);
      });
    },
    waitForPosition(target, timeoutMs) {
      if (position && comparePositions(target, position) <= 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const waiter: PositionWaiter = {
          position: target,
          resolve,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            resolve(false);
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    async stop() {
      stopped = true;
      caughtUp = false;
      wakeFromBackoff?.();
      await stopCurrent?.();
      await running;
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve(false);
      }
      waiters.clear();
    },
  };
};
