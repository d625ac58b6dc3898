export * from './smtp';
export * from './eventstoredb';
export { runMongoDbCli, startMongoDbServer, type MongoDbServerOptions } from './mongodb';
