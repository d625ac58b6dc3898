/**
 * The launcher's side of eventstore.thread: start the embedded EventStoreDB on its own
 * thread, wait for its URL, stop it last. A thread that fails or exits while running is
 * reported through `crashed`, and the launcher then stops everything.
 */
import path from 'node:path';
import { startSupervisedThread } from '@qa/common';
import type { EventStoreThreadOptions } from './eventstore.thread';

export interface EventStoreThread {
  url: string;
  /** Settles with the error if the thread fails while running (not while stopping). */
  crashed: Promise<Error>;
  stop(timeoutMs: number): Promise<void>;
}

export async function startEventStoreThread(
  options: EventStoreThreadOptions,
): Promise<EventStoreThread> {
  const thread = await startSupervisedThread<string>(
    path.join(__dirname, 'eventstore.thread'),
    'embedded EventStoreDB',
    options,
  );
  return { url: thread.ready, crashed: thread.crashed, stop: thread.stop };
}
