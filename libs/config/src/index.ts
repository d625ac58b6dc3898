export * from './config.schema';
export * from './runtime';
export * from './secrets';
export * from './endpoints';
export * from './standalone';
