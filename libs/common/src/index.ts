export * from './personal-data';
export * from './rendering/markdown.renderer';
