/**
 * A worker thread running a module of this code base: `<base>.js` in a build, or `<base>.ts`
 * from sources (tests, `node -r ./scripts/register.js`) with the TypeScript hook loaded in
 * the thread too.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const root = path.resolve(__dirname, '../../../..');

/** `base`: the thread's module path without its extension. */
export function moduleWorker(base: string, workerData: unknown): Worker {
  if (existsSync(`${base}.js`)) return new Worker(`${base}.js`, { workerData });
  const register = path.join(root, 'scripts/register.js');
  return new Worker(
    `require(${JSON.stringify(register)}); require(${JSON.stringify(`${base}.ts`)});`,
    {
      eval: true,
      workerData,
    },
  );
}
