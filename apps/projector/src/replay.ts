/**
 * `npm run replay`: rebuilds every read model from the whole event history into fresh
 * collections and switches the API to them once caught up, printing progress. It reaches
 * the servers of a running `npm start` through DATA_DIR/endpoints.json, or the configured
 * EVENTSTORE_URL / MONGODB_URL.
 */
import { mongoDbName } from '@qa/common';
import { ConfigError, loadConfig, resolveDataUrls } from '@qa/config';
import { EventStoreDbAdapter } from '@qa/event-store';
import { MongoClient } from 'mongodb';
import { formatProgress, replayReadModels } from './read-model.replay';

async function main(): Promise<void> {
  const { eventStoreUrl, mongoUrl } = resolveDataUrls(loadConfig());

  const mongo = await new MongoClient(mongoUrl).connect();
  const eventStore = new EventStoreDbAdapter(eventStoreUrl);
  try {
    const result = await replayReadModels({
      db: mongo.db(mongoDbName(mongoUrl)),
      eventStore,
      onProgress: (p) => console.log(formatProgress(p)),
    });
    console.log(
      `replay done: ${result.events} events in ${result.seconds.toFixed(1)} s (${result.eventsPerSecond} events/s); ` +
        `serving version ${result.version}, version ${result.previousVersion} dropped`,
    );
  } finally {
    await eventStore.close();
    await mongo.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
