/**
 * The embedded EventStoreDB server on a thread of its own, started by the launcher, so that
 * its work (gRPC framing, SQLite commits, catch-up reads) does not take turns with the API's
 * requests on one event loop: each gets a core. The parent sends `stop`; the thread closes
 * the server (clients get their last replies) and answers `stopped`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEventStoreDbServer } from '@qa/embedded';

export interface EventStoreThreadOptions {
  port: number;
  host: string;
  data: string;
}

export type EventStoreThreadMessage =
  | { type: 'ready'; url: string }
  | { type: 'stopped' }
  | { type: 'failed'; message: string; stack?: string; code?: string };

const port = parentPort;
if (!port) throw new Error('eventstore.thread runs only as a worker thread');
const post = (m: EventStoreThreadMessage) => port.postMessage(m);
const describe = (err: unknown) => ({
  message: err instanceof Error ? err.message : String(err),
  stack: err instanceof Error ? err.stack : undefined,
  code: (err as NodeJS.ErrnoException | undefined)?.code,
});

const started = startEventStoreDbServer(workerData as EventStoreThreadOptions);
let stopping: Promise<void> | undefined;

port.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  stopping ??= started
    .then((server) => server.close())
    .then(
      () => post({ type: 'stopped' }),
      (err: unknown) => post({ type: 'failed', ...describe(err) }),
    );
});

started.then(
  (server) => post({ type: 'ready', url: server.url }),
  (err: unknown) => post({ type: 'failed', ...describe(err) }),
);
