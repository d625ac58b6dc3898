export * from './personal-data';
export * from './coalescer';
export * from './rendering/markdown.renderer';
export * from './validation';
export * from './nest';
