/**
 * The embedded EventStoreDB server on a thread of its own, started by the launcher, so that
 * its work (gRPC framing, SQLite commits, catch-up reads) does not take turns with the API's
 * requests on one event loop: each gets a core. On `stop` the thread closes the server
 * (clients get their last replies) before it answers.
 */
import { workerData } from 'node:worker_threads';
// The one module, not @qa/common's index: this thread needs none of the rest.
import { serveThread } from '../../../libs/common/src/threads/supervised-thread';
import { startEventStoreDbServer } from '@qa/embedded';

export interface EventStoreThreadOptions {
  port: number;
  host: string;
  data: string;
}

serveThread(
  async () => {
    const server = await startEventStoreDbServer(workerData as EventStoreThreadOptions);
    return { url: server.url, stop: () => server.close() };
  },
  { readyValue: (server) => server.url },
);
