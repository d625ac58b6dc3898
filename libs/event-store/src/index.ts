export * from './event-store.port';
export * from './event-store.errors';
export * from './checkpoint-store.port';
export * from './in-memory-checkpoint.store';
export * from './deterministic-event-id';
export * from './event-type.registry';
export * from './event-store-db.adapter';
export * from './subscription.runner';
export { moduleWorker } from './threads/module-worker';
export {
  LARGE_HEAP_THREAD_LIMITS,
  serverNodeFlags,
  serverThreadLimits,
} from './threads/young-generation';
