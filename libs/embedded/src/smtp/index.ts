export * from './smtp.sink';
export * from './mailbox';
export * from './smtp.cli';
