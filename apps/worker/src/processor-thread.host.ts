/** The worker's side of processor.thread: start it, wait until it runs, stop it gracefully. */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Runtime } from '@qa/config';
import type { ProcessorThreadMessage } from './processor.thread';
import type { WorkerOptions } from './worker.app';

export interface ProcessorThread {
  /** Finishes the sends in flight, then ends the thread. */
  stop(): Promise<void>;
  /** Passes on an erasure the reactor saw. */
  forget(subject: string): void;
}

function createThread(runtime: Runtime, options: WorkerOptions): Worker {
  // Plain data only (as for a worker process): the thread makes its own logger, and
  // functions such as a test runtime's cleanup stay with their owner.
  const { logger: _logger, ...serialisable } = options;
  const workerData = JSON.parse(JSON.stringify({ runtime, options: serialisable })) as unknown;
  if (__filename.endsWith('.js')) {
    return new Worker(path.join(__dirname, 'processor.thread.js'), { workerData });
  }
  // Running from TypeScript sources (scripts/register.js, tests): load the hook in the thread too.
  const register = path.resolve(__dirname, '../../../scripts/register.js');
  const source = path.join(__dirname, 'processor.thread.ts');
  return new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData,
  });
}

export function startProcessorThread(
  runtime: Runtime,
  options: WorkerOptions,
  onCrash: (error: Error) => void,
): Promise<ProcessorThread> {
  const thread = createThread(runtime, options);
  return new Promise((resolve, reject) => {
    let ready = false;
    let stopping: Promise<void> | undefined;
    let settleStop: ((error?: Error) => void) | undefined;
    const fail = (error: Error) => {
      if (settleStop) settleStop(error);
      else if (!ready) {
        void thread.terminate();
        reject(error);
      } else onCrash(error);
    };
    thread.on('message', (m: ProcessorThreadMessage) => {
      if (m.type === 'ready') {
        ready = true;
        resolve(handle);
      } else if (m.type === 'stopped') {
        settleStop?.();
      } else if (m.type === 'failed') {
        fail(Object.assign(new Error(m.message), { stack: m.stack }));
      }
    });
    thread.on('error', fail);
    thread.on('exit', (code) => {
      if (settleStop) settleStop();
      else fail(new Error(`the notification processor thread exited with code ${code}`));
    });
    const handle: ProcessorThread = {
      forget: (subject) => thread.postMessage({ type: 'forget', subject }),
      stop: () =>
        (stopping ??= new Promise<void>((res, rej) => {
          settleStop = (error) => (error ? rej(error) : res());
          thread.postMessage({ type: 'stop' });
        }).finally(() => thread.terminate().then(() => undefined))),
    };
  });
}
