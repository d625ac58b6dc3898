/** Waiting helpers: "nothing more will arrive" needs the reactor past the event and the queue empty. */
import type { Position } from '@qa/event-store';
import type { RunningWorker } from '../worker.app';

export async function settle(
  worker: RunningWorker,
  position: Position,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  if (!worker.subscription) throw new Error('This worker runs no reactor.');
  if (!(await worker.subscription.waitForPosition(position, timeoutMs))) {
    throw new Error(`The reactor did not reach ${position.commit} within ${timeoutMs} ms.`);
  }
  while (Date.now() < deadline) {
    const counts = await worker.queue.queue.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
    );
    if (Object.values(counts).every((n) => n === 0)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`The notification queue did not drain within ${timeoutMs} ms.`);
}

export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
