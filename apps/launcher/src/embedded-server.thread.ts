/**
 * An embedded protocol server (EventStoreDB or MongoDB) on a thread of its own, started by the
 * launcher, so that its work (framing, commits, catch-up reads, queries, index upkeep, its
 * garbage collection) does not take turns with the API's requests on one event loop: each
 * gets a core. On `stop` the thread closes the server (clients get their last replies)
 * before it answers.
 */
import { workerData } from 'node:worker_threads';
// The one module, not @qa/common's index: this thread needs none of the rest.
import { serveThread } from '../../../libs/common/src/threads/supervised-thread';
import { startEventStoreDbServer, startMongoDbServer } from '@qa/embedded';

export type EmbeddedServerName = 'eventstoredb' | 'mongodb';

export interface EmbeddedServerThreadOptions {
  server: EmbeddedServerName;
  port: number;
  host: string;
  /** EventStoreDB's SQLite file (MongoDB keeps its data in memory). */
  data?: string;
}

const STARTERS = { eventstoredb: startEventStoreDbServer, mongodb: startMongoDbServer };

serveThread(
  async () => {
    const { server, ...options } = workerData as EmbeddedServerThreadOptions;
    const started = await STARTERS[server](options);
    return { url: started.url, stop: () => started.close() };
  },
  { readyValue: (started) => started.url },
);
