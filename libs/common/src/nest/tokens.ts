/**
 * Injection tokens shared by the apps' Nest modules. The clients behind them are created
 * once per process from the Runtime and closed when the app stops, so feature modules
 * inject them instead of opening connections of their own.
 */
/** The `Runtime` the app was started with (config, resolved URLs, secrets). */
export const RUNTIME = 'QA_RUNTIME';
/** An `EventStoreDBClient` from @eventstore/db-client. */
export const EVENTSTORE_CLIENT = 'QA_EVENTSTORE_CLIENT';
/** A `MongoClient` from mongodb. */
export const MONGO_CLIENT = 'QA_MONGO_CLIENT';
/** The `Db` named in MONGODB_URL (default `qa`). */
export const MONGO_DB = 'QA_MONGO_DB';
/** An ioredis `Redis` connection (BullMQ producers, health). */
export const REDIS_CLIENT = 'QA_REDIS_CLIENT';
