export * from './tokens';
export * from './clients.module';
