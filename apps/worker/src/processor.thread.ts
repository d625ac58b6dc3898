/**
 * The notification processor (BullMQ worker, rendering, SMTP) in a worker thread of its own,
 * started by `startWorker` when it runs the reactor too: reacting to events and sending
 * emails then each get a core instead of taking turns on one event loop. The parent sends
 * `stop`; the thread answers `stopped` once the sends in flight are finished.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Runtime } from '@qa/config';
import { startWorker } from './worker.app';
import type { WorkerOptions } from './worker.app';

export type ProcessorThreadMessage =
  { type: 'ready' } | { type: 'stopped' } | { type: 'failed'; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error('processor.thread runs only as a worker thread');
const post = (m: ProcessorThreadMessage) => port.postMessage(m);
const describe = (err: unknown) => ({
  message: err instanceof Error ? err.message : String(err),
  stack: err instanceof Error ? err.stack : undefined,
});

const { runtime, options } = workerData as { runtime: Runtime; options: WorkerOptions };
const started = startWorker(runtime, {
  ...options,
  run: { reactor: false, processor: true },
});
let stopping: Promise<void> | undefined;

port.on('message', (message: { type: string; subject?: string }) => {
  if (message.type === 'forget' && message.subject) {
    const subject = message.subject;
    void started.then(
      (worker) => worker.forget(subject),
      () => undefined,
    );
    return;
  }
  if (message.type !== 'stop') return;
  stopping ??= started
    .then((worker) => worker.stop())
    .then(
      () => post({ type: 'stopped' }),
      (err: unknown) => post({ type: 'failed', ...describe(err) }),
    );
});

started.then(
  () => post({ type: 'ready' }),
  (err: unknown) => post({ type: 'failed', ...describe(err) }),
);
