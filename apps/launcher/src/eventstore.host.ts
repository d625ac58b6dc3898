/**
 * The launcher's side of eventstore.thread: start the embedded EventStoreDB on its own
 * thread, wait for its URL, stop it last. A thread that fails or exits while running is
 * reported through `crashed`, and the launcher then stops everything.
 */
import type { Worker } from 'node:worker_threads';
import { createThread } from './background.host';
import type { EventStoreThreadMessage, EventStoreThreadOptions } from './eventstore.thread';

export interface EventStoreThread {
  url: string;
  /** Settles with the error if the thread fails while running (not while stopping). */
  crashed: Promise<Error>;
  stop(timeoutMs: number): Promise<void>;
}

export function startEventStoreThread(options: EventStoreThreadOptions): Promise<EventStoreThread> {
  const worker: Worker = createThread('eventstore.thread', options);
  let reportCrash: (e: Error) => void = () => undefined;
  const crashed = new Promise<Error>((resolve) => (reportCrash = resolve));
  return new Promise((resolve, reject) => {
    let stopping = false;
    let ready = false;
    let stopped: (() => void) | undefined;
    let failedStop: ((e: Error) => void) | undefined;
    const fail = (err: Error) => {
      if (!ready) {
        reject(err);
        void worker.terminate();
      } else if (stopping) failedStop?.(err);
      else reportCrash(err);
    };
    worker.on('message', (m: EventStoreThreadMessage) => {
      if (m.type === 'ready') {
        ready = true;
        resolve({ url: m.url, crashed, stop });
      } else if (m.type === 'stopped') {
        stopped?.();
      } else if (m.type === 'failed') {
        fail(Object.assign(new Error(m.message), { stack: m.stack, code: m.code }));
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (stopping) stopped?.();
      else fail(new Error(`the embedded EventStoreDB thread exited with code ${code}`));
    });
    const stop = (timeoutMs: number) => {
      stopping = true;
      return new Promise<void>((res, rej) => {
        const timer = setTimeout(
          () => rej(new Error('the embedded EventStoreDB did not stop in time')),
          timeoutMs,
        );
        stopped = () => {
          clearTimeout(timer);
          res();
        };
        failedStop = (e) => {
          clearTimeout(timer);
          rej(e);
        };
        worker.postMessage({ type: 'stop' });
      }).finally(() => worker.terminate().then(() => undefined));
    };
  });
}
