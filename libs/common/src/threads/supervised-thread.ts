/**
 * A part of a process run on a worker thread of its own (the launcher's event store and its
 * projector+worker, the worker's email processor), with one small protocol both sides share:
 * the thread answers `ready` (with a value) once started, `stopped` once a `stop` it was sent
 * is done, `failed` when either went wrong; anything else the parent sends goes to the
 * thread's own handler.
 *
 * The parent side (`startSupervisedThread`) rejects when the thread fails to start, reports
 * a failure or exit while running through `crashed`, and stops it within a time bound.
 */
import { parentPort, type ResourceLimits } from 'node:worker_threads';
import { moduleWorker } from '@qa/event-store';

type ThreadMessage =
  | { type: 'ready'; value: unknown }
  | { type: 'stopped' }
  | { type: 'failed'; message: string; stack?: string; code?: string };

export interface SupervisedThread<R> {
  /** What the thread handed over once started. */
  ready: R;
  /** Settles with the error if the thread fails or exits while running (not while stopping). */
  crashed: Promise<Error>;
  /** A message for the thread's own handler. */
  post(message: { type: string } & Record<string, unknown>): void;
  /** Asks the thread to stop and waits for it (at most `timeoutMs`, when given), then ends it. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * `base`: the thread's module without its extension; `name`: how errors call the thread;
 * `resourceLimits`: its heap's, when not the defaults.
 */
export function startSupervisedThread<R = void>(
  base: string,
  name: string,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
): Promise<SupervisedThread<R>> {
  const worker = moduleWorker(base, workerData, resourceLimits);
  let reportCrash: (e: Error) => void = () => undefined;
  const crashed = new Promise<Error>((resolve) => (reportCrash = resolve));
  return new Promise((resolve, reject) => {
    let ready = false;
    let exited = false;
    let stopping: Promise<void> | undefined;
    let settleStop: ((error?: Error) => void) | undefined;
    const fail = (error: Error) => {
      if (settleStop) settleStop(error);
      else if (!ready) {
        void worker.terminate();
        reject(error);
      } else reportCrash(error);
    };
    worker.on('message', (m: ThreadMessage) => {
      if (m.type === 'ready') {
        ready = true;
        resolve({
          ready: m.value as R,
          crashed,
          post: (message) => worker.postMessage(message),
          stop,
        });
      } else if (m.type === 'stopped') settleStop?.();
      else if (m.type === 'failed')
        fail(Object.assign(new Error(m.message), { stack: m.stack, code: m.code }));
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      exited = true;
      if (settleStop) settleStop();
      else fail(new Error(`the ${name} thread exited with code ${code}`));
    });
    const stop = (timeoutMs?: number) =>
      (stopping ??= new Promise<void>((res, rej) => {
        // A thread that already exited (a crash) has nothing left to stop.
        if (exited) return res();
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => rej(new Error(`the ${name} did not stop in time`)), timeoutMs);
        settleStop = (error) => {
          clearTimeout(timer);
          if (error) rej(error);
          else res();
        };
        worker.postMessage({ type: 'stop' });
      }).finally(() => worker.terminate().then(() => undefined)));
  });
}

/**
 * The thread's side: starts the part, answers `ready` with what `start` returns as `value`,
 * and stops it when told to. Other messages go to `onMessage` with the started part.
 */
export function serveThread<P extends { stop(): Promise<void> }, R = void>(
  start: () => Promise<P>,
  options: {
    readyValue?: (part: P) => R;
    onMessage?: (message: { type: string } & Record<string, unknown>, part: P) => void;
  } = {},
): void {
  const port = parentPort;
  if (!port) throw new Error('this module runs only as a worker thread');
  const post = (m: ThreadMessage) => port.postMessage(m);
  const failed = (err: unknown) =>
    post({
      type: 'failed',
      message: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
      code: (err as NodeJS.ErrnoException | undefined)?.code,
    });
  const started = start();
  let stopping: Promise<void> | undefined;
  port.on('message', (message: { type: string } & Record<string, unknown>) => {
    if (message.type === 'stop') {
      stopping ??= started
        .then((part) => part.stop())
        .then(() => post({ type: 'stopped' }), failed);
      return;
    }
    const handle = options.onMessage;
    if (handle)
      void started.then(
        (part) => handle(message, part),
        () => undefined,
      );
  });
  started.then((part) => post({ type: 'ready', value: options.readyValue?.(part) }), failed);
}
