/**
 * The embedded servers each in its own process, started from the build as
 * `npm run embedded -- <server>` starts them, for the read-side benchmarks: the figures then
 * include real sockets and a server that does not share the benchmark's event loop.
 * BENCH_SERVER_NODE_ARGS passes node flags to the server processes, e.g.
 * `BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` to profile them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { serverNodeFlags } from '@qa/event-store';

const root = path.resolve(__dirname, '../../../..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs `node <args>` in `cwd` and resolves once the server prints its
 * `... listening on <url>` line; any other first line is the reason it could not start.
 */
export async function spawnServer(args: string[], cwd: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  // However the benchmark ends, it leaves no server behind.
  process.once('exit', () => child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]);
      else reject(new Error(line));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    child,
    url,
    stop: () =>
      new Promise((resolve) => {
        // A server that already exited would never emit 'exit' again.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function buildOnce(): void {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
}

export async function startEmbedded(server: 'mongodb' | 'eventstoredb', args: string[] = []): Promise<ServerProcess> {
  return spawnServer(
    [
      // with the heap `npm start` gives the server's thread
      ...serverNodeFlags(server),
      ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      path.join(root, 'dist/libs/embedded/cli.js'),
      server,
      '--port',
      '0',
      ...args,
    ],
    root,
  );
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
