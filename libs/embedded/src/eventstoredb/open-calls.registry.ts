/**
 * The streaming calls whose work is still running: paged reads, subscriptions and
 * BatchAppend. A call leaves the registry when its handler finishes or when the call is
 * cancelled, closed or failed, whichever comes first; the handler's `stop` runs once, so
 * no loop, listener or pending wait outlives its call. `close()` of the server ends every
 * call still here with UNAVAILABLE, so a graceful shutdown never waits on a subscription.
 */
import type { EventEmitter } from 'node:events';
import { shuttingDown } from './rpc.errors';

/** What the registry needs of a grpc-js server call. */
export interface TrackedCall extends EventEmitter {
  readonly cancelled: boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
}

export interface CallHandle {
  /** True once the call is cancelled, closed, failed or ended: stop writing to it. */
  readonly gone: boolean;
  /** The handler's work is over (normal end); detaches from the call. */
  release(): void;
}

/** True when writing to `call` can no longer reach the client. */
function isGone(call: TrackedCall): boolean {
  return call.cancelled || call.destroyed || call.writableEnded;
}

/**
 * Resolves when `call` can take more writes, or at once when it is gone: a cancelled
 * call never emits 'drain', so waiting on it alone would park the handler forever.
 */
export function drained(
  call: TrackedCall & { readonly writableNeedDrain: boolean },
): Promise<void> {
  return new Promise((resolve) => {
    if (isGone(call) || !call.writableNeedDrain) return resolve();
    const events = ['drain', 'close', 'cancelled', 'error', 'finish'];
    const done = () => {
      for (const event of events) call.off(event, done);
      resolve();
    };
    for (const event of events) call.on(event, done);
  });
}

export class OpenCalls {
  private readonly calls = new Map<TrackedCall, () => void>();

  get size(): number {
    return this.calls.size;
  }

  /** Registers `call`; `stop` halts the handler's work and runs at most once. */
  track(call: TrackedCall, stop: () => void = () => undefined): CallHandle {
    let released = false;
    const events = ['cancelled', 'close', 'error', 'finish'];
    const release = () => {
      if (released) return;
      released = true;
      for (const event of events) call.off(event, end);
      this.calls.delete(call);
      stop();
    };
    const end = () => release();
    for (const event of events) call.on(event, end);
    this.calls.set(call, release);
    if (isGone(call)) release();
    return {
      get gone() {
        return released || isGone(call);
      },
      release,
    };
  }

  /** Stops every handler and ends its call with UNAVAILABLE, as a node going down does. */
  endAll(): void {
    for (const [call, release] of [...this.calls]) {
      release();
      if (!isGone(call)) call.emit('error', shuttingDown());
    }
  }
}
