/**
 * Calls the client walks away from: breaking out of a `for await`, cancelling a read,
 * unsubscribing, or disposing the client while other calls are in flight. The server must
 * end its side of each call (no page loop, live listener or wait on 'drain' left behind),
 * so `client.dispose()` and the server's `close()` both return promptly.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  START,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { startEventStoreDbServer, type EventStoreDbServer } from './index';
import { collect, uniqueStream } from './eventstoredb.fixture';

jest.setTimeout(60_000);

/** Resolves to `label` when `work` settles, or to 'timed out' after `ms`, never hanging the test. */
async function within(ms: number, label: string, work: Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), ms);
  });
  try {
    return await Promise.race([work.then(() => label), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(predicate: () => boolean, ms = 3_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** Events big enough that a few thousand overflow every HTTP/2 window and socket buffer. */
function padded(count: number) {
  const pad = 'x'.repeat(1024);
  return Array.from({ length: count }, (_, i) => jsonEvent({ type: 'Padded', data: { i, pad } }));
}

async function take(source: AsyncIterable<ResolvedEvent>, count: number): Promise<number> {
  let seen = 0;
  for await (const _ of source) {
    if (++seen === count) break;
  }
  return seen;
}

describe('calls the client abandons', () => {
  let server: EventStoreDbServer;
  let client: EventStoreDBClient;
  const stream = uniqueStream('big');

  beforeEach(async () => {
    server = await startEventStoreDbServer({ port: 0 });
    client = EventStoreDBClient.connectionString(server.url);
    for (let done = 0; done < 4000; done += 500) {
      await client.appendToStream(stream, padded(500));
    }
  });
  afterEach(async () => {
    // Bounded, so a regression fails the test instead of hanging the run.
    await within(5_000, 'disposed', client.dispose());
    await within(5_000, 'closed', server.close());
  });

  /** Appends and full reads on other streams, running until `stop()`. */
  function busy() {
    let stopped = false;
    const other = uniqueStream('busy');
    const running = (async () => {
      while (!stopped) {
        await client.appendToStream(other, padded(20));
        await collect(client.readStream(other, { maxCount: 50 }));
        await collect(client.readAll({ maxCount: 200, direction: BACKWARDS, fromPosition: END }));
      }
    })();
    return {
      async stop() {
        stopped = true;
        await running;
      },
    };
  }

  it('frees the server side of reads and subscriptions the client cancels, while other calls run', async () => {
    const background = busy();
    await client.appendToStream(uniqueStream('warm'), padded(1));
    const baseline = server.openCalls();

    const reads = [
      client.readAll({ fromPosition: START, direction: FORWARDS }),
      client.readAll({ fromPosition: END, direction: BACKWARDS }),
      client.readStream(stream, { fromRevision: START, direction: FORWARDS }),
      client.readStream(stream, { fromRevision: END, direction: BACKWARDS }),
    ];
    const subscriptions = [
      client.subscribeToAll({ fromPosition: START }),
      client.subscribeToStream(stream, { fromRevision: START }),
    ];
    for (const read of reads) expect(await take(read, 10)).toBe(10);
    for (const subscription of subscriptions) expect(await take(subscription, 10)).toBe(10);
    // Every one of them is held open by backpressure: 4 MiB cannot fit in the windows.
    expect(server.openCalls()).toBeGreaterThanOrEqual(baseline + 6);

    await Promise.all([
      ...reads.map((read) => read.cancel()),
      ...subscriptions.map((subscription) => subscription.unsubscribe()),
    ]);
    await background.stop();
    expect(await until(() => server.openCalls() <= baseline)).toBe(true);

    // The server still serves this client afterwards.
    const tail = await collect(
      client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 }),
    );
    expect(Number(tail[0].event!.revision)).toBe(3999);
  });

  it('dispose() returns after breaking out of reads and subscriptions, and the server frees every call', async () => {
    const background = busy();
    expect(await take(client.readAll({ fromPosition: START }), 10)).toBe(10);
    expect(
      await take(client.readStream(stream, { direction: BACKWARDS, fromRevision: END }), 10),
    ).toBe(10);
    expect(await take(client.subscribeToAll({ fromPosition: START }), 10)).toBe(10);
    expect(await take(client.subscribeToStream(stream, { fromRevision: START }), 10)).toBe(10);
    await background.stop();

    expect(await within(5_000, 'disposed', client.dispose())).toBe('disposed');
    expect(await until(() => server.openCalls() === 0)).toBe(true);
    expect(await within(5_000, 'closed', server.close())).toBe('closed');
  });

  it('dispose() returns when called with reads, appends and subscriptions still in flight', async () => {
    const settled: Promise<unknown>[] = [];
    for (let i = 0; i < 4; i++) {
      settled.push(client.appendToStream(uniqueStream('late'), padded(100)).catch(() => 'failed'));
      settled.push(collect(client.readAll({ fromPosition: START })).catch(() => 'failed'));
      settled.push(
        collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END })).catch(
          () => 'failed',
        ),
      );
    }
    expect(await take(client.subscribeToAll({ fromPosition: START }), 10)).toBe(10);

    expect(await within(5_000, 'disposed', client.dispose())).toBe('disposed');
    expect(await within(5_000, 'settled', Promise.all(settled))).toBe('settled');
    expect(await until(() => server.openCalls() === 0)).toBe(true);
  });

  it('close() ends live subscriptions with UNAVAILABLE at once, without waiting for the grace period', async () => {
    const quiet = uniqueStream('quiet');
    await client.appendToStream(quiet, padded(3));
    const baseline = server.openCalls();
    const ended = [
      client.subscribeToAll({ fromPosition: END }),
      client.subscribeToStream(quiet, { fromRevision: START }),
    ].map(
      (subscription) =>
        new Promise<string>((resolve) => {
          subscription.on('data', () => undefined);
          subscription.on('error', (error: Error & { type?: string }) =>
            resolve(String(error.type)),
          );
          subscription.on('end', () => resolve('end'));
        }),
    );
    expect(await until(() => server.openCalls() >= baseline + 2)).toBe(true);

    const started = Date.now();
    expect(await within(5_000, 'closed', server.close())).toBe('closed');
    expect(Date.now() - started).toBeLessThan(500);
    expect(server.openCalls()).toBe(0);
    expect(await within(5_000, 'ended', Promise.all(ended))).toBe('ended');
    expect(await Promise.all(ended)).toEqual(['unavailable', 'unavailable']);
  });

  it('close() cuts off clients that stopped reading after a bounded wait', async () => {
    const baseline = server.openCalls();
    expect(await take(client.subscribeToStream(stream, { fromRevision: START }), 10)).toBe(10);
    const stalled = client.readAll({ fromPosition: START });
    const failed = new Promise<unknown>((resolve) => stalled.on('error', resolve));
    stalled.pause();
    expect(await until(() => server.openCalls() >= baseline + 2)).toBe(true);

    const started = Date.now();
    expect(await within(5_000, 'closed', server.close())).toBe('closed');
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(server.openCalls()).toBe(0);
    expect(await within(5_000, 'failed', failed)).toBe('failed');
    expect(await within(5_000, 'disposed', client.dispose())).toBe('disposed');
  });
});
