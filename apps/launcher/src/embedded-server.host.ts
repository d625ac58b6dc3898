/**
 * The launcher's side of embedded-server.thread: start an embedded server on its own thread,
 * wait for its URL, stop it on request. A thread that fails or exits while running is
 * reported through `crashed`, and the launcher then stops everything.
 */
import path from 'node:path';
import { startSupervisedThread } from '@qa/common';
import { serverThreadLimits } from '@qa/event-store';
import type { EmbeddedServerThreadOptions } from './embedded-server.thread';

export interface EmbeddedServerThread {
  url: string;
  /** Settles with the error if the thread fails while running (not while stopping). */
  crashed: Promise<Error>;
  stop(timeoutMs: number): Promise<void>;
}

export const EMBEDDED_SERVER_NAMES = {
  eventstoredb: 'embedded EventStoreDB',
  mongodb: 'embedded MongoDB',
} as const;

export async function startEmbeddedServerThread(
  options: EmbeddedServerThreadOptions,
): Promise<EmbeddedServerThread> {
  const thread = await startSupervisedThread<string>(
    path.join(__dirname, 'embedded-server.thread'),
    EMBEDDED_SERVER_NAMES[options.server],
    options,
    serverThreadLimits(options.server),
  );
  return { url: thread.ready, crashed: thread.crashed, stop: thread.stop };
}
