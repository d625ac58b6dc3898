/**
 * The projector and the worker, run by the launcher in a worker thread so that their
 * catch-up and email rendering get the second core and never stall the API's event loop.
 * The parent sends `stop`; the thread answers `stopped` once both have shut down.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunningApp, Runtime } from '@qa/config';
import { startProjector } from '../../projector/src/projector.app';
import { startWorker } from '../../worker/src/worker.app';

export type BackgroundMessage =
  { type: 'ready' } | { type: 'stopped' } | { type: 'failed'; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error('background.thread runs only as a worker thread');
const post = (m: BackgroundMessage) => port.postMessage(m);
const describe = (err: unknown) => ({
  message: err instanceof Error ? err.message : String(err),
  stack: err instanceof Error ? err.stack : undefined,
});

const running: RunningApp[] = [];
let stopping: Promise<void> | undefined;

async function stopAll(): Promise<void> {
  // Reverse start order: the worker (jobs in flight) first, then the projector.
  for (const app of [...running].reverse()) await app.stop();
}

port.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  stopping ??= stopAll().then(
    () => post({ type: 'stopped' }),
    (err: unknown) => post({ type: 'failed', ...describe(err) }),
  );
});

(async () => {
  const runtime = (workerData as { runtime: Runtime }).runtime;
  running.push(await startProjector(runtime));
  running.push(await startWorker(runtime));
  post({ type: 'ready' });
})().catch((err: unknown) => post({ type: 'failed', ...describe(err) }));
