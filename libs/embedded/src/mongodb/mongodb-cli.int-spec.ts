/** The standalone command: one ready line, the real driver can use it, SIGTERM stops it. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient } from 'mongodb';

const root = path.resolve(__dirname, '../../../..');
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

it('prints its URL once ready, serves the driver and stops cleanly on SIGTERM', async () => {
  child = spawn(
    process.execPath,
    [
      '-r',
      path.join(root, 'scripts/register.js'),
      path.join(root, 'libs/embedded/src/mongodb/main.ts'),
      '--port',
      '0',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const running = child;
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: running.stdout! }).once('line', resolve);
    running.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
  expect(line).toMatch(/^mongodb listening on mongodb:\/\/127\.0\.0\.1:\d+$/);
  const url = line.slice('mongodb listening on '.length);
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000 });
  try {
    await client.db('cli').collection('c').insertOne({ a: 1 });
    expect(await client.db('cli').collection('c').countDocuments()).toBe(1);
  } finally {
    await client.close();
  }
  const exited = new Promise<number | null>((resolve) =>
    running.once('exit', (code) => resolve(code)),
  );
  running.kill('SIGTERM');
  expect(await exited).toBe(0);
});

it('refuses an unknown option', async () => {
  const proc = spawn(
    process.execPath,
    [
      '-r',
      path.join(root, 'scripts/register.js'),
      path.join(root, 'libs/embedded/src/cli.ts'),
      'mongodb',
      '--bogus',
      '1',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  expect(code).toBe(2);
  expect(stderr).toMatch(/unknown option --bogus/);
});
