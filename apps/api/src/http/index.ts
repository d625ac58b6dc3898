export * from './problem-details';
export * from './problem-details.filter';
export * from './zod-validation.pipe';
export * from './http.module';
