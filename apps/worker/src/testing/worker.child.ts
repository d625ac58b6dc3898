/**
 * A worker in a process of its own, for tests that kill it mid-send: started with
 * `node -r ./scripts/register.js apps/worker/src/testing/worker.child.ts '<json>'`, it prints
 * `ready` once running and stops gracefully on SIGTERM. The JSON carries the Runtime and the
 * worker options (without the logger).
 */
import pino from 'pino';
import type { Runtime } from '@qa/config';
import { startWorker } from '../worker.app';
import type { WorkerOptions } from '../worker.app';

async function main(): Promise<void> {
  const { runtime, options } = JSON.parse(process.argv[2] ?? '{}') as {
    runtime: Runtime;
    options: WorkerOptions;
  };
  const worker = await startWorker(runtime, { ...options, logger: pino({ level: 'silent' }) });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    worker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((e) => {
  process.stderr.write(`worker child failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
