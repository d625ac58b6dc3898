export * from './config.schema';
export * from './runtime';
