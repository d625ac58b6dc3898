/** The embedded EventStoreDB-protocol server (gRPC, `@eventstore/db-client` 6.x). */
export { startEventStoreDbServer } from './eventstoredb.server';
export type {
  EmbeddedServer,
  EventStoreDbServer,
  EventStoreDbServerOptions,
} from './eventstoredb.server';
export { runEventStoreDbCli } from './main';
