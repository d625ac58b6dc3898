/**
 * Each app's own entry point (one process per app, as in docker compose) starts no embedded
 * server: without the URLs it needs it stops with one line naming the variable.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './support/launcher-process';

function run(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', './scripts/register.js', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, out })),
  );
}

describe('standalone entry points', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'qa-standalone-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(['api', 'projector', 'worker'])(
    'the %s names the missing URL',
    async (app) => {
      const { code, out } = await run(`apps/${app}/src/main.ts`, { DATA_DIR: dataDir });
      expect(code).toBe(1);
      expect(out.trim()).toBe(
        `Invalid configuration: EVENTSTORE_URL must be set to run the ${app} on its own ` +
          '(or run `npm start`, which starts embedded servers)',
      );
    },
    60_000,
  );
});
