/**
 * The standalone server as a child process: its one ready line; durability (appends
 * acknowledged before a `kill -9` are all there after a restart on the same file, and an
 * append cut off mid-way left nothing partial); a clean stop on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { collect, tempDir } from './eventstoredb.fixture';

jest.setTimeout(40_000);

const root = path.resolve(__dirname, '../../../..');
const main = path.join(__dirname, 'main.ts');

interface Child {
  process: ChildProcess;
  url: string;
  line: string;
}

function startChild(args: string[]): Promise<Child> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(root, 'scripts/register.js'), main, ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const match = /^eventstoredb listening on (esdb:\/\/\S+)$/.exec(line);
      if (match) resolve({ process: child, url: match[1], line });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('standalone server process', () => {
  const temp = tempDir();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    temp.remove();
  });

  it('keeps every acknowledged append across kill -9, leaves no partial append, and stops on SIGTERM', async () => {
    const file = path.join(temp.dir, 'durable.sqlite');
    const first = await startChild(['--port', '0', '--data', file]);
    children.push(first.process);
    expect(first.line).toMatch(/^eventstoredb listening on esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    const client = EventStoreDBClient.connectionString(first.url);
    const acknowledged: number[] = [];
    let killed = false;
    const writer = (async () => {
      for (let batch = 0; !killed; batch++) {
        const batchEvents = Array.from({ length: 10 }, (_, i) =>
          jsonEvent({ type: 'Durable', data: { batch, i } }),
        );
        try {
          await client.appendToStream(`durable-${batch % 7}`, batchEvents);
          acknowledged.push(batch);
        } catch {
          return;
        }
      }
    })();
    while (acknowledged.length < 50) await new Promise((r) => setTimeout(r, 5));
    first.process.kill('SIGKILL');
    killed = true;
    await exited(first.process);
    await writer;
    await client.dispose();

    const second = await startChild(['--port', '0', '--data', file]);
    children.push(second.process);
    const reader = EventStoreDBClient.connectionString(second.url);
    try {
      const perBatch = new Map<number, number>();
      for (let s = 0; s < 7; s++) {
        const read = await collect(reader.readStream(`durable-${s}`));
        read.forEach((e, index) => expect(e.event!.revision).toBe(BigInt(index)));
        for (const e of read) {
          const { batch } = e.event!.data as { batch: number };
          perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1);
        }
      }
      for (const batch of acknowledged) expect(perBatch.get(batch)).toBe(10);
      for (const count of perBatch.values()) expect(count).toBe(10);
      await reader.appendToStream('durable-0', jsonEvent({ type: 'AfterRestart', data: {} }));
    } finally {
      await reader.dispose();
    }
    // A clean stop on SIGTERM, with a zero exit code.
    second.process.kill('SIGTERM');
    expect(await exited(second.process)).toEqual({ code: 0, signal: null });
  });
});
