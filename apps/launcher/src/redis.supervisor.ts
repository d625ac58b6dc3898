/**
 * Makes sure Redis answers before the apps start. When nothing answers at a local REDIS_URL
 * and a `redis-server` binary is on the PATH, it is started as a child with its data under
 * DATA_DIR (append-only file, no eviction: BullMQ must never lose a job to memory pressure).
 * When there is none, the launcher stops with a message that says what to do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class LauncherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LauncherError';
  }
}

export interface RedisHandle {
  /** True when this launcher started redis-server itself. */
  started: boolean;
  pid?: number;
  stop(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Sends PING (with AUTH when the URL has a password) and waits for any reply. */
export function redisAnswers(redisUrl: string, timeoutMs = 1000): Promise<boolean> {
  const url = new URL(redisUrl);
  return new Promise((resolve) => {
    const socket = net.connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 6379),
    });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      if (url.protocol === 'rediss:') return done(true);
      socket.write('PING\r\n');
    });
    // Any RESP reply (+PONG, or -NOAUTH from a server that wants a password) means it is up.
    socket.once('data', (data) => done(/^[+-]/.test(data.toString('latin1'))));
  });
}

export function findOnPath(binary: string, pathVariable: string | undefined): string | null {
  for (const dir of (pathVariable ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const HOW_TO = (redisUrl: string) =>
  `Redis does not answer at ${redisUrl}, and no redis-server program was found to start. ` +
  'Install Redis (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) ' +
  'or set REDIS_URL to a running Redis, e.g. REDIS_URL=redis://127.0.0.1:6379.';

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, child: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // redis-server writes the append-only file and exits on SIGTERM.
    child.kill('SIGTERM');
  });
}

export async function ensureRedis(options: {
  redisUrl: string;
  dataDir: string;
  pathVariable: string | undefined;
  log: (line: string) => void;
}): Promise<RedisHandle> {
  const { redisUrl, dataDir, log } = options;
  if (await redisAnswers(redisUrl)) return { started: false, stop: async () => undefined };

  const url = new URL(redisUrl);
  if (!LOCAL_HOSTS.has(url.hostname)) {
    throw new LauncherError(
      `Redis does not answer at ${redisUrl}. Start it there, or point REDIS_URL at a running Redis.`,
    );
  }
  const binary = findOnPath('redis-server', options.pathVariable);
  if (!binary) throw new LauncherError(HOW_TO(redisUrl));

  const dir = path.resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = url.port || '6379';
  const args = [
    '--port',
    port,
    '--bind',
    url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, ''),
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--save',
    '',
    '--logfile',
    path.join(dir, 'redis.log'),
  ];
  if (url.password) args.push('--requirepass', decodeURIComponent(url.password));
  log(`Redis does not answer at ${redisUrl}; starting ${binary} (data in ${dir})`);
  // On Linux, setpriv has the kernel send redis-server SIGTERM when this process dies in any
  // way, SIGKILL included; the exit hook below only covers an exit that runs JavaScript.
  const setpriv = process.platform === 'linux' ? findOnPath('setpriv', options.pathVariable) : null;
  const child = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'TERM', '--', binary, ...args], { stdio: 'ignore' })
    : spawn(binary, args, { stdio: 'ignore' });
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const up = await Promise.race([
    waitUntil(() => redisAnswers(redisUrl), 10_000, child),
    spawnFailed,
  ]);
  if (up !== true) {
    await stopChild(child);
    const reason = up instanceof Error ? up.message : `see ${path.join(dir, 'redis.log')}`;
    throw new LauncherError(`redis-server did not start on port ${port} (${reason}).`);
  }
  // Should this process die without its shutdown (an uncaught error), Redis goes with it.
  const onExit = () => child.kill('SIGTERM');
  process.on('exit', onExit);
  return {
    started: true,
    pid: child.pid,
    stop: async () => {
      await stopChild(child);
      process.off('exit', onExit);
    },
  };
}
