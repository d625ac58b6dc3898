/** The projector process: builds the MongoDB read models from the `$all` stream. */
import type { Runtime, RunningApp } from '@qa/config';

export async function startProjector(_runtime: Runtime): Promise<RunningApp> {
  return { name: 'projector', stop: async () => undefined };
}
