/** The projector process: builds the MongoDB read models from the `$all` stream. */
import { mongoDbName } from '@qa/common';
import type { Runtime, RunningApp } from '@qa/config';
import { EventStoreDbAdapter } from '@qa/event-store';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { ReadModelProjector, type ReadModelProjectorOptions } from './read-model.projector';

export interface RunningProjector extends RunningApp {
  projector: ReadModelProjector;
}

export async function startProjector(
  runtime: Runtime,
  options: Partial<Pick<ReadModelProjectorOptions, 'rules' | 'batchSize' | 'followIntervalMs'>> = {},
): Promise<RunningProjector> {
  const log = pino({ name: 'projector', level: runtime.config.logLevel });
  // A short server selection timeout turns "MongoDB is away" into a quick retry from the
  // checkpoint instead of a 30 s stall.
  const mongo = new MongoClient(runtime.mongoUrl, { serverSelectionTimeoutMS: 3000 });
  const eventStore = new EventStoreDbAdapter(runtime.eventStoreUrl);
  const projector = new ReadModelProjector({
    ...options,
    db: mongo.db(mongoDbName(runtime.mongoUrl)),
    eventStore,
    logger: {
      info: (message, context) => log.info(context ?? {}, message),
      warn: (message, context) => log.warn(context ?? {}, message),
      error: (message, context) => log.error(context ?? {}, message),
    },
  });
  await projector.start();
  let stopping: Promise<void> | undefined;
  return {
    name: 'projector',
    projector,
    stop: () =>
      (stopping ??= (async () => {
        await projector.stop();
        await eventStore.close();
        await mongo.close();
      })()),
  };
}
