export * from './smtp';
export * from './eventstoredb';
