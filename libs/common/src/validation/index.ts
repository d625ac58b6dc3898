export * from './zod-validation';
