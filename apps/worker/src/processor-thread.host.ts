/** The worker's side of processor.thread: start it, wait until it runs, stop it gracefully. */
import path from 'node:path';
import { startSupervisedThread } from '@qa/common';
import type { Runtime } from '@qa/config';
import type { WorkerOptions } from './worker.app';

export interface ProcessorThread {
  /** Finishes the sends in flight, then ends the thread. */
  stop(): Promise<void>;
  /** Passes on an erasure the reactor saw. */
  forget(subject: string): void;
}

export async function startProcessorThread(
  runtime: Runtime,
  options: WorkerOptions,
  onCrash: (error: Error) => void,
): Promise<ProcessorThread> {
  // Plain data only (as for a worker process): the thread makes its own logger, and
  // functions such as a test runtime's cleanup stay with their owner.
  const { logger: _logger, ...serialisable } = options;
  const workerData = JSON.parse(JSON.stringify({ runtime, options: serialisable })) as unknown;
  const thread = await startSupervisedThread(
    path.join(__dirname, 'processor.thread'),
    'notification processor',
    workerData,
  );
  void thread.crashed.then(onCrash);
  return {
    stop: () => thread.stop(),
    forget: (subject) => thread.post({ type: 'forget', subject }),
  };
}
