/**
 * The projector as its own process, for the kill -9 spec: EVENTSTORE_URL and MONGODB_URL
 * from the environment, the batch size as the first argument (small, so a kill lands
 * mid-stream).
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
  { batchSize: Number(process.argv[2] ?? 50) },
).then(
  () => process.send?.('started'),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
