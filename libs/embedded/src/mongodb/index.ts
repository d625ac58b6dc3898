/**
 * The embedded MongoDB-protocol server (EMBEDDED.md). Data is kept in memory only: the read
 * models it serves can always be rebuilt from the events in the event store.
 */
export { startMongoDbServer } from './mongodb.server';
export type { EmbeddedServer, MongoDbServerOptions } from './mongodb.server';
export { runMongoDbCli } from './main';
