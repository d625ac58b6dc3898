export * from './shared/errors';
export * from './shared/events';
export * from './points';
