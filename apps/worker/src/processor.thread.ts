/**
 * The notification processor (BullMQ worker, rendering, SMTP) in a worker thread of its own,
 * started by `startWorker` when it runs the reactor too: reacting to events and sending
 * emails then each get a core instead of taking turns on one event loop. On `stop` the
 * thread answers once the sends in flight are finished; `forget` passes on an erasure.
 */
import { workerData } from 'node:worker_threads';
import { serveThread } from '@qa/common';
import type { Runtime } from '@qa/config';
import { startWorker } from './worker.app';
import type { WorkerOptions } from './worker.app';

const { runtime, options } = workerData as { runtime: Runtime; options: WorkerOptions };

serveThread(() => startWorker(runtime, { ...options, run: { reactor: false, processor: true } }), {
  onMessage: (message, worker) => {
    if (message.type === 'forget' && typeof message.subject === 'string')
      worker.forget(message.subject);
  },
});
