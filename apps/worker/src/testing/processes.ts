/** Child processes the fault tests kill: a worker of our own and a Redis of our own. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Runtime } from '@qa/config';
import { freePort } from '../../../../test/support/free-port';
import type { WorkerOptions } from '../worker.app';

const root = path.resolve(__dirname, '../../../..');

export interface Child {
  process: ChildProcess;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<void>;
  /** SIGTERM: graceful stop. */
  stop(): Promise<void>;
}

/** Children still running; killed when this process exits, whatever way it exits. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Registers a child so that it never outlives this process. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Kills every child still running (for afterAll after a failed test). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((child) => childHandle(child).kill()));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function childHandle(child: ChildProcess): Child {
  return {
    process: child,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/** Starts `startWorker` in its own Node process; resolves once it printed `ready`. */
export async function spawnWorker(
  runtime: Runtime,
  options: WorkerOptions,
  nodeArgs: string[] = [],
): Promise<Child> {
  const { logger: _logger, ...serialisable } = options;
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '-r',
      './scripts/register.js',
      'apps/worker/src/testing/worker.child.ts',
      JSON.stringify({ runtime, options: serialisable }),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  track(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker child not ready in 20 s: ${stderr}`)),
      20_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker child exited with ${code}: ${stderr}`));
    });
  });
  return childHandle(child);
}

export interface OwnRedis {
  url: string;
  /** Kills the server (SIGKILL) and starts it again on the same port and data directory. */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A `redis-server` of the test's own, durable (append-only file, fsync always). */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'qa-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    track(child);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') {
          probe.disconnect();
          return;
        }
      } catch {
        probe.disconnect();
      }
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    const c = child;
    if (!c) return;
    c.kill('SIGKILL');
    await exited(c);
    child = null;
  };
  await start();
  return {
    url,
    kill,
    start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
