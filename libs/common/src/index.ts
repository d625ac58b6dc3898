export * from './personal-data';
export * from './coalescer';
export * from './mongo-id-set';
export * from './threads/supervised-thread';
export * from './rendering/markdown.renderer';
export * from './validation';
export * from './nest';
