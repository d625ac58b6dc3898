export * from './points.rules';
