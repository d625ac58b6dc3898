/** The launcher's side of background.thread: start it, wait for ready, stop it in order. */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Runtime } from '@qa/config';
import type { BackgroundMessage } from './background.thread';

export interface BackgroundHandle {
  /** Settles with the error if the thread fails while running (not while stopping). */
  crashed: Promise<Error>;
  stop(timeoutMs: number): Promise<void>;
}

/** A worker thread running `<name>.js` of this folder (or `<name>.ts` from sources). */
export function createThread(name: string, workerData: unknown): Worker {
  if (__filename.endsWith('.js'))
    return new Worker(path.join(__dirname, `${name}.js`), { workerData });
  // Running from TypeScript sources (scripts/register.js): load the hook in the thread too.
  const register = path.resolve(__dirname, '../../../scripts/register.js');
  const source = path.join(__dirname, `${name}.ts`);
  return new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData,
  });
}

export function startBackground(runtime: Runtime): Promise<BackgroundHandle> {
  const worker = createThread('background.thread', { runtime });
  let reportCrash: (e: Error) => void = () => undefined;
  const crashed = new Promise<Error>((resolve) => (reportCrash = resolve));
  return new Promise((resolve, reject) => {
    let stopping = false;
    let stopped: (() => void) | undefined;
    let failedStop: ((e: Error) => void) | undefined;
    let ready = false;
    const fail = (err: Error) => {
      if (!ready) reject(err);
      else if (stopping) failedStop?.(err);
      else reportCrash(err);
    };
    worker.on('message', (m: BackgroundMessage) => {
      if (m.type === 'ready') {
        ready = true;
        resolve(handle);
      } else if (m.type === 'stopped') {
        stopped?.();
      } else if (m.type === 'failed') {
        fail(Object.assign(new Error(m.message), { stack: m.stack }));
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (stopping) stopped?.();
      else fail(new Error(`the projector/worker thread exited with code ${code}`));
    });
    const handle: BackgroundHandle = {
      crashed,
      stop: (timeoutMs) => {
        stopping = true;
        return new Promise<void>((res, rej) => {
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
        }).finally(() => worker.terminate().then(() => undefined));
      },
    };
  });
}
