/** The launcher's side of background.thread: start it, wait for ready, stop it in order. */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Runtime } from '@qa/config';
import type { BackgroundMessage } from './background.thread';

export interface BackgroundHandle {
  stop(timeoutMs: number): Promise<void>;
}

function createWorker(runtime: Runtime): Worker {
  const built = path.join(__dirname, 'background.thread.js');
  if (__filename.endsWith('.js')) return new Worker(built, { workerData: { runtime } });
  // Running from TypeScript sources (scripts/register.js): load the hook in the thread too.
  const register = path.resolve(__dirname, '../../../scripts/register.js');
  const source = path.join(__dirname, 'background.thread.ts');
  return new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData: { runtime },
  });
}

export function startBackground(runtime: Runtime): Promise<BackgroundHandle> {
  const worker = createWorker(runtime);
  return new Promise((resolve, reject) => {
    let stopped: (() => void) | undefined;
    let failedStop: ((e: Error) => void) | undefined;
    let ready = false;
    worker.on('message', (m: BackgroundMessage) => {
      if (m.type === 'ready') {
        ready = true;
        resolve(handle);
      } else if (m.type === 'stopped') {
        stopped?.();
      } else if (m.type === 'failed') {
        const err = Object.assign(new Error(m.message), { stack: m.stack });
        if (!ready) reject(err);
        else failedStop?.(err);
      }
    });
    worker.on('error', (err) => (ready ? failedStop?.(err) : reject(err)));
    worker.on('exit', (code) => {
      if (!ready)
        reject(new Error(`projector/worker thread exited with code ${code} before it was ready`));
      stopped?.();
    });
    const handle: BackgroundHandle = {
      stop: (timeoutMs) =>
        new Promise<void>((res, rej) => {
          const timer = setTimeout(
            () => rej(new Error('projector/worker did not stop in time')),
            timeoutMs,
          );
          stopped = () => {
            clearTimeout(timer);
            res();
          };
          failedStop = (e) => {
            clearTimeout(timer);
            rej(e);
          };
          worker.postMessage({ type: 'stop' });
        }).finally(() => worker.terminate().then(() => undefined)),
    };
  });
}
