/**
 * The projector and the worker, run by the launcher in a worker thread so that their
 * catch-up and email rendering get the second core and never stall the API's event loop.
 * On `stop` the thread answers once both have shut down.
 */
import 'reflect-metadata';
import { workerData } from 'node:worker_threads';
import { serveThread } from '@qa/common';
import type { RunningApp, Runtime } from '@qa/config';
import { startProjector } from '../../projector/src/projector.app';
import { startWorker } from '../../worker/src/worker.app';

serveThread(async () => {
  const runtime = (workerData as { runtime: Runtime }).runtime;
  const running: RunningApp[] = [await startProjector(runtime), await startWorker(runtime)];
  return {
    // Reverse start order: the worker (jobs in flight) first, then the projector.
    stop: async () => {
      for (const app of [...running].reverse()) await app.stop();
    },
  };
});
