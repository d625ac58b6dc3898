/**
 * The launcher's side of embedded-server.thread: start an embedded server on its own thread,
 * wait for its URL, stop it on request. A thread that fails or exits while running is
 * reported through `crashed`, and the launcher then stops everything.
 */
import path from 'node:path';
import type { ResourceLimits } from 'node:worker_threads';
import { startSupervisedThread } from '@qa/common';
import { LARGE_HEAP_THREAD_LIMITS } from '@qa/event-store';
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

/** Heap limits other than the defaults: MongoDB keeps every document and index entry on its heap. */
const HEAP_LIMITS: Partial<Record<EmbeddedServerThreadOptions['server'], ResourceLimits>> = {
  mongodb: LARGE_HEAP_THREAD_LIMITS,
};

export async function startEmbeddedServerThread(
  options: EmbeddedServerThreadOptions,
): Promise<EmbeddedServerThread> {
  const thread = await startSupervisedThread<string>(
    path.join(__dirname, 'embedded-server.thread'),
    EMBEDDED_SERVER_NAMES[options.server],
    options,
    HEAP_LIMITS[options.server],
  );
  return { url: thread.ready, crashed: thread.crashed, stop: thread.stop };
}
