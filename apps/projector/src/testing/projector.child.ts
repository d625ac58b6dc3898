/**
 * The projector as its own process, for the kill -9 spec: EVENTSTORE_URL and MONGODB_URL
 * from the environment, small batches so a kill lands mid-stream.
 */
import { loadConfig } from '@qa/config';
import { startProjector } from '../projector.app';

const config = loadConfig();
startProjector(
  {
    config,
    eventStoreUrl: config.eventStoreUrl!,
    mongoUrl: config.mongoUrl!,
    redisUrl: config.redisUrl,
    smtpUrl: 'smtp://127.0.0.1:9',
    embedded: false,
    secrets: { jwtSecret: 'x'.repeat(32), hashKey: 'x'.repeat(32), unsubscribeSecret: 'x'.repeat(32) },
  },
  { batchSize: Number(process.env.PROJECTOR_BATCH_SIZE ?? 50) },
).then(
  () => process.send?.('started'),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
