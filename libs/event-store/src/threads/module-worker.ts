/**
 * A worker thread running a module of this code base: `<base>.js` in a build, or `<base>.ts`
 * from sources (tests, `node -r ./scripts/register.js`) with the TypeScript hook loaded in
 * the thread too.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';

const root = path.resolve(__dirname, '../../../..');

/** `base`: the thread's module path without its extension; `resourceLimits`: its heap's, when not the defaults. */
export function moduleWorker(
  base: string,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
): Worker {
  if (existsSync(`${base}.js`)) return new Worker(`${base}.js`, { workerData, resourceLimits });
  const register = path.join(root, 'scripts/register.js');
  return new Worker(
    `require(${JSON.stringify(register)}); require(${JSON.stringify(`${base}.ts`)});`,
    {
      eval: true,
      workerData,
      resourceLimits,
    },
  );
}
