/** The launcher's side of background.thread: start it, wait for ready, stop it in order. */
import path from 'node:path';
import { startSupervisedThread, type SupervisedThread } from '@qa/common';
import type { Runtime } from '@qa/config';

export type BackgroundHandle = Pick<SupervisedThread<void>, 'crashed' | 'stop'>;

export function startBackground(runtime: Runtime): Promise<BackgroundHandle> {
  return startSupervisedThread(path.join(__dirname, 'background.thread'), 'projector/worker', {
    runtime,
  });
}
