/**
 * `npm start` as a user runs it: it starts what is missing (embedded servers, Redis), serves
 * /health, /docs and /dev/mail, explains what to do when Redis cannot be had, and stops
 * everything it started on SIGTERM, exiting 0 within 10 s.
 */
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisAnswers } from '../apps/launcher/src/redis.supervisor';
import { freePort } from './support/free-port';
import { processesMatching, spawnLauncher, type LauncherProcess } from './support/launcher-process';

const baseEnv = (dataDir: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? dataDir,
  DATA_DIR: dataDir,
  PORT: '0',
  LOG_LEVEL: 'warn',
  ...extra,
});

describe('npm start', () => {
  const dirs: string[] = [];
  /** Command lines of anything a failed test could leave running. */
  const leftovers: string[] = [];
  const running: LauncherProcess[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qa-launcher-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    for (const p of running) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited();
      }
    }
    for (const title of leftovers) {
      for (const pid of processesMatching(title)) process.kill(pid, 'SIGKILL');
    }
    for (const dir of dirs) {
      for (const pid of processesMatching(dir)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts Redis itself, serves the API, and stops everything on SIGTERM within 10 s', async () => {
    // The suite needs the real program: this is the behaviour under test.
    expect(execFileSync('sh', ['-c', 'command -v redis-server']).toString().trim()).not.toBe('');
    const dataDir = tempDir();
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    expect(await redisAnswers(redisUrl)).toBe(false);

    const launcher = spawnLauncher(baseEnv(dataDir, { REDIS_URL: redisUrl }));
    running.push(launcher);
    const url = await launcher.ready();

    expect(launcher.output()).toMatch(/starting .*redis-server/);
    expect(await redisAnswers(redisUrl)).toBe(true);
    // redis-server shows itself as `redis-server <host>:<port>`.
    const redisTitle = `redis-server ${new URL(redisUrl).host}`;
    leftovers.push(redisTitle);
    expect(processesMatching(redisTitle)).toHaveLength(1);
    expect(launcher.output()).toContain(`${url}/docs`);
    expect(launcher.output()).toContain(`${url}/dev/mail`);
    expect(existsSync(path.join(dataDir, 'endpoints.json'))).toBe(true);

    const health = await fetch(`${url}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    await ready.arrayBuffer();
    const docs = await fetch(`${url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    const mail = await fetch(`${url}/dev/mail`);
    expect(mail.status).toBe(200);
    expect(await mail.text()).toContain('Mailbox');

    const started = Date.now();
    launcher.child.kill('SIGTERM');
    const { code } = await launcher.exited();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(launcher.output()).toMatch(/^stopped$/m);

    // Nothing it started is left behind.
    expect(await redisAnswers(redisUrl)).toBe(false);
    expect(processesMatching(redisTitle)).toEqual([]);
    expect(processesMatching(dataDir)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'endpoints.json'))).toBe(false);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 90_000);

  it('takes the Redis it started down with it when it is killed outright (SIGKILL)', async () => {
    const dataDir = tempDir();
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const launcher = spawnLauncher(baseEnv(dataDir, { REDIS_URL: redisUrl }));
    running.push(launcher);
    await launcher.ready();
    const redisTitle = `redis-server ${new URL(redisUrl).host}`;
    leftovers.push(redisTitle);
    expect(processesMatching(redisTitle)).toHaveLength(1);

    launcher.child.kill('SIGKILL');
    expect(await launcher.exited()).toEqual({ code: null, signal: 'SIGKILL' });
    // redis-server gets SIGTERM from the kernel and exits after writing its append-only file.
    const deadline = Date.now() + 5_000;
    while (processesMatching(redisTitle).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(processesMatching(redisTitle)).toEqual([]);
    expect(await redisAnswers(redisUrl)).toBe(false);
  }, 90_000);

  it('explains how to get Redis when none answers and redis-server is not installed', async () => {
    const dataDir = tempDir();
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const launcher = spawnLauncher(
      baseEnv(dataDir, { REDIS_URL: redisUrl, PATH: path.join(dataDir, 'empty-bin') }),
    );
    running.push(launcher);
    const { code } = await launcher.exited();
    expect(code).toBe(1);
    const out = launcher.output();
    expect(out).toContain(`Redis does not answer at ${redisUrl}`);
    expect(out).toMatch(/apt-get install redis-server/);
    expect(out).toMatch(/REDIS_URL/);
    expect(out).not.toMatch(/^\s+at /m);
    // The embedded servers it had already started are stopped again.
    expect(processesMatching(dataDir)).toEqual([]);
  }, 90_000);

  it('refuses a bad configuration with one line naming the variable', async () => {
    const dataDir = tempDir();
    const launcher = spawnLauncher(baseEnv(dataDir, { PORT: 'eighty' }));
    running.push(launcher);
    const { code } = await launcher.exited();
    expect(code).toBe(1);
    expect(launcher.output().trim()).toBe(
      'Invalid configuration: PORT must be a number (got "eighty")',
    );
  }, 90_000);

  it('says so when the HTTP port is taken, and stops what it had started', async () => {
    const dataDir = tempDir();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const launcher = spawnLauncher(baseEnv(dataDir, { PORT: String(port) }));
      running.push(launcher);
      const { code } = await launcher.exited();
      expect(code).toBe(1);
      expect(launcher.output()).toMatch(/set PORT to a free one/);
      expect(existsSync(path.join(dataDir, 'endpoints.json'))).toBe(false);
      expect(processesMatching(dataDir)).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 90_000);
});
