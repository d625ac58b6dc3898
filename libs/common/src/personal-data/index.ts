export * from './personal-data.crypto';
export * from './personal-data.vault';
export { KeyCache } from './key.cache';
export * from './erased-subjects';
