/**
 * `npm start`: builds when the sources changed since the last build, then runs the
 * all-in-one launcher (dist/apps/launcher/main.js) in this same process, so Ctrl-C and
 * SIGTERM reach it directly.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({ quiet: true });
createRequire(import.meta.url)(path.join(root, 'dist/apps/launcher/main.js'));
