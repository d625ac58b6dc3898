import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedServerThread } from './embedded-server.host';

const connects = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the embedded server threads', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'qa-esdb-thread-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves EventStoreDB on the URL it reports and stops on request, releasing the port', async () => {
    const thread = await startEmbeddedServerThread({
      server: 'eventstoredb',
      port: 0,
      host: '127.0.0.1',
      data: path.join(dir, 'eventstore.sqlite'),
    });
    let crashed: Error | undefined;
    void thread.crashed.then((e) => (crashed = e));
    expect(thread.url).toMatch(/^(esdb|http|https):\/\/127\.0\.0\.1:\d+/);
    expect(await connects(thread.url.replace(/^esdb/, 'http'))).toBe(true);
    await thread.stop(5_000);
    expect(await connects(thread.url.replace(/^esdb/, 'http'))).toBe(false);
    // Stopping is not a crash.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(crashed).toBeUndefined();
  }, 30_000);

  it('rejects with the server error when the server cannot start', async () => {
    const notADir = path.join(dir, 'a-file');
    writeFileSync(notADir, '');
    await expect(
      startEmbeddedServerThread({
        server: 'eventstoredb',
        port: 0,
        host: '127.0.0.1',
        data: path.join(notADir, 'eventstore.sqlite'),
      }),
    ).rejects.toThrow();
  }, 30_000);

  it('serves MongoDB on the URL it reports, answers a client, and stops on request', async () => {
    const thread = await startEmbeddedServerThread({
      server: 'mongodb',
      port: 0,
      host: '127.0.0.1',
    });
    let crashed: Error | undefined;
    void thread.crashed.then((e) => (crashed = e));
    expect(thread.url).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+/);
    const client = await new MongoClient(thread.url, { serverSelectionTimeoutMS: 5_000 }).connect();
    try {
      await client
        .db('qa')
        .collection('things')
        .insertOne({ _id: 'a' as never, n: 1 });
      expect(await client.db('qa').collection('things').findOne({})).toEqual({ _id: 'a', n: 1 });
    } finally {
      await client.close();
    }
    await thread.stop(5_000);
    expect(await connects(thread.url.replace(/^mongodb/, 'http'))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(crashed).toBeUndefined();
  }, 30_000);
});
