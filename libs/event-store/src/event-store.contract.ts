/**
 * The behaviour every EventStore implementation must show, as one jest suite. An adapter's
 * integration spec calls `describeEventStoreContract` with a factory for a fresh store; the
 * same cases then prove the adapter against every backing it supports.
 */
import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '@qa/domain';
import { deterministicEventId } from './deterministic-event-id';
import { STREAM_DELETED } from './event-store.errors';
import type {
  EventMetadata,
  EventStore,
  EventToAppend,
  Position,
  StoredEvent,
  Subscription,
} from './event-store.port';
import { comparePositions } from './event-store.port';

export interface EventStoreFixture {
  store: EventStore;
  /** Releases what the factory started (servers, files) after the store was closed. */
  teardown?: () => Promise<void>;
}

export const contractMetadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actor: 'u1',
  ipHash: null,
  at: '2026-03-01T12:00:00.000Z',
  schemaVersion: 1,
  ...overrides,
});

/** Polls until `check` holds, failing with `message` after `timeoutMs`. */
export const eventually = async (
  check: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 10_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const uniqueStream = (category = 'contract') => `${category}-${randomUUID().replace(/-/g, '')}`;

const noted = (n: number, extra: Record<string, unknown> = {}): EventToAppend => ({
  type: 'ContractNoted',
  data: { n, ...extra },
});

export const describeEventStoreContract = (
  name: string,
  factory: () => Promise<EventStoreFixture>,
): void => {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;

    beforeAll(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterAll(async () => {
      await store?.close();
      await fixture?.teardown?.();
    });

    describe('appending with an expected revision', () => {
      it('creates a stream with "no_stream" and reads back data, metadata and positions', async () => {
        const stream = uniqueStream();
        const metadata = contractMetadata({ actor: 'anonymous', ipHash: 'h1' });
        const result = await store.appendToStream(
          stream,
          [noted(0, { title: 'Wie geht’s? 😀' }), noted(1)],
          { expectedRevision: 'no_stream', metadata },
        );
        expect(result.nextRevision).toBe(1n);

        const events = await store.readStream(stream);
        expect(events.map((e) => [e.stream, e.revision, e.type, e.data])).toEqual([
          [stream, 0n, 'ContractNoted', { n: 0, title: 'Wie geht’s? 😀' }],
          [stream, 1n, 'ContractNoted', { n: 1 }],
        ]);
        expect(events[0].metadata).toEqual(metadata);
        expect(comparePositions(events[0].position, events[1].position)).toBeLessThan(0);
        expect(events[1].position).toEqual(result.position);
        expect(events[0].id).toMatch(/^[0-9a-f-]{36}$/);
        expect(Math.abs(events[0].created.getTime() - Date.now())).toBeLessThan(60_000);
      });

      it('refuses "no_stream" on an existing stream with a concurrency error', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [noted(0), noted(1)], {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        const attempt = store.appendToStream(stream, [noted(2)], {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(attempt).rejects.toMatchObject({
          code: 'CONCURRENT_MODIFICATION',
          stream,
          expected: 'no_stream',
          actual: '1',
        });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('appends at the exact revision and refuses a stale one', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [noted(0)], {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        const next = await store.appendToStream(stream, [noted(1)], {
          expectedRevision: 0n,
          metadata: contractMetadata(),
        });
        expect(next.nextRevision).toBe(1n);
        await expect(
          store.appendToStream(stream, [noted(2)], { expectedRevision: 0n, metadata: contractMetadata() }),
        ).rejects.toMatchObject({ code: 'CONCURRENT_MODIFICATION', expected: '0', actual: '1' });
        await expect(
          store.appendToStream(uniqueStream(), [noted(0)], { expectedRevision: 3n, metadata: contractMetadata() }),
        ).rejects.toMatchObject({ expected: '3', actual: 'no_stream' });
      });

      it('requires the stream for "stream_exists" and accepts anything for "any"', async () => {
        const stream = uniqueStream();
        await expect(
          store.appendToStream(stream, [noted(0)], {
            expectedRevision: 'stream_exists',
            metadata: contractMetadata(),
          }),
        ).rejects.toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
        await store.appendToStream(stream, [noted(0)], { expectedRevision: 'any', metadata: contractMetadata() });
        const exists = await store.appendToStream(stream, [noted(1)], {
          expectedRevision: 'stream_exists',
          metadata: contractMetadata(),
        });
        const any = await store.appendToStream(stream, [noted(2)], {
          expectedRevision: 'any',
          metadata: contractMetadata(),
        });
        expect([exists.nextRevision, any.nextRevision]).toEqual([1n, 2n]);
      });

      it('lets exactly one of two racing writers at the same revision win', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [noted(0)], {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        const outcomes = await Promise.allSettled(
          [1, 2].map((n) =>
            store.appendToStream(stream, [noted(n)], { expectedRevision: 0n, metadata: contractMetadata() }),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const [rejected] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(rejected.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('idempotent re-append with deterministic event ids', () => {
      const command = (key: string, count: number): EventToAppend[] =>
        Array.from({ length: count }, (_, i) => ({ ...noted(i), id: deterministicEventId(key, i) }));

      it('appends nothing twice when a command is retried at the same revision', async () => {
        const stream = uniqueStream();
        const key = randomUUID();
        const first = await store.appendToStream(stream, command(key, 2), {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        const retried = await store.appendToStream(stream, command(key, 2), {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        expect(retried).toEqual(first);
        const events = await store.readStream(stream);
        expect(events.map((e) => e.id)).toEqual([deterministicEventId(key, 0), deterministicEventId(key, 1)]);
      });

      it('appends nothing twice for a retried command with "any"', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [noted(-1)], { expectedRevision: 'any', metadata: contractMetadata() });
        const key = randomUUID();
        const first = await store.appendToStream(stream, command(key, 2), {
          expectedRevision: 'any',
          metadata: contractMetadata(),
        });
        const retried = await store.appendToStream(stream, command(key, 2), {
          expectedRevision: 'any',
          metadata: contractMetadata(),
        });
        expect(retried.nextRevision).toBe(first.nextRevision);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('still refuses a different command at a stale revision', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, command(randomUUID(), 1), {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        await expect(
          store.appendToStream(stream, command(randomUUID(), 1), {
            expectedRevision: 'no_stream',
            metadata: contractMetadata(),
          }),
        ).rejects.toBeInstanceOf(ConcurrencyError);
      });
    });

    describe('reading a stream', () => {
      let stream: string;

      beforeAll(async () => {
        stream = uniqueStream();
        await store.appendToStream(stream, [0, 1, 2, 3, 4].map((n) => noted(n)), {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
      });

      const ns = (events: StoredEvent[]) => events.map((e) => (e.data as { n: number }).n);

      it('reads forwards from a revision, up to a count', async () => {
        expect(ns(await store.readStream(stream))).toEqual([0, 1, 2, 3, 4]);
        expect(ns(await store.readStream(stream, { fromRevision: 2n }))).toEqual([2, 3, 4]);
        expect(ns(await store.readStream(stream, { fromRevision: 1n, maxCount: 2 }))).toEqual([1, 2]);
      });

      it('reads backwards from the end or from a revision', async () => {
        expect(ns(await store.readStream(stream, { direction: 'backwards' }))).toEqual([4, 3, 2, 1, 0]);
        expect(ns(await store.readStream(stream, { direction: 'backwards', maxCount: 1 }))).toEqual([4]);
        expect(
          ns(await store.readStream(stream, { direction: 'backwards', fromRevision: 2n, maxCount: 2 })),
        ).toEqual([2, 1]);
      });

      it('reads an absent stream as empty in both directions', async () => {
        const absent = uniqueStream();
        expect(await store.readStream(absent)).toEqual([]);
        expect(await store.readStream(absent, { direction: 'backwards' })).toEqual([]);
      });
    });

    describe('reading $all', () => {
      it('reads forwards after a position, skipping system events, up to a count', async () => {
        const stream = uniqueStream();
        const other = uniqueStream();
        await store.appendToStream(stream, [noted(0)], { expectedRevision: 'no_stream', metadata: contractMetadata() });
        await store.appendToStream(other, [noted(1)], { expectedRevision: 'no_stream', metadata: contractMetadata() });
        await store.appendToStream(stream, [noted(2), noted(3)], { expectedRevision: 0n, metadata: contractMetadata() });
        const [first] = await store.readStream(stream);

        const after = await store.readAll({ from: first.position, maxCount: 10 });
        expect(after.map((e) => [e.stream, (e.data as { n: number }).n])).toEqual([
          [other, 1],
          [stream, 2],
          [stream, 3],
        ]);
        expect((await store.readAll({ from: first.position, maxCount: 2 })).map((e) => e.stream)).toEqual([
          other,
          stream,
        ]);

        const everything = await store.readAll({ from: 'start', maxCount: 1_000_000 });
        expect(everything.some((e) => e.type.startsWith('$') || e.stream.startsWith('$'))).toBe(false);
        const ours = everything.filter((e) => e.stream === stream || e.stream === other);
        expect(ours.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3]);
        for (let i = 1; i < everything.length; i++) {
          expect(comparePositions(everything[i - 1].position, everything[i].position)).toBeLessThan(0);
        }
      });

      it('reports the position of the last event as the head', async () => {
        const appended = await store.appendToStream(uniqueStream(), [noted(0), noted(1)], {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        expect(await store.headPosition()).toEqual(appended.position);
        expect(await store.readAll({ from: appended.position, maxCount: 10 })).toEqual([]);
      });
    });

    // Every subscription test runs twice: subscribed from the start, and catching up from pages
    // read ahead on another thread first (an event store without one ignores `readAhead`).
    describe.each([false, true])('subscribing to $all (readAhead: %s)', (readAhead) => {
      it('resumes from a checkpoint with no gap and no duplicate while appends race', async () => {
        const category = `race${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        const streams = [0, 1, 2, 3].map(() => uniqueStream(category));
        const perStream = 40;
        const writers = streams.map(async (stream, s) => {
          for (let i = 0; i < perStream; i += 4) {
            await store.appendToStream(
              stream,
              [0, 1, 2, 3].map((k) => noted(i + k, { s })),
              { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1), metadata: contractMetadata() },
            );
          }
        });

        const seen: StoredEvent[] = [];
        let checkpoint: Position | 'start' = 'start';
        // The first subscription holds its handler once it has 30 events, until it is told
        // to stop: pages read ahead arrive at once, and would otherwise all be handled before
        // the stop, leaving nothing to resume.
        let holding = true;
        let release: () => void = () => undefined;
        const subscribe = (from: Position | 'start', holdAfter?: number): Subscription =>
          store.subscribeToAll(
            { from, streamPrefixes: [`${category}-`], batchSize: 7, readAhead },
            {
              onEvents: async (events) => {
                seen.push(...events);
                checkpoint = events[events.length - 1].position;
                if (holdAfter !== undefined && holding && seen.length >= holdAfter) {
                  await new Promise<void>((resolve) => (release = resolve));
                }
              },
            },
          );

        const first = subscribe('start', 30);
        await eventually(() => seen.length >= 30, 'first subscription delivered 30 events');
        const stopped = first.stop();
        holding = false;
        release();
        await stopped;
        const handledByFirst = seen.length;
        const second = subscribe(checkpoint);
        await Promise.all(writers);
        const total = streams.length * perStream;
        await eventually(() => seen.length >= total, `all ${total} events delivered`);
        // A duplicate would show up as an extra event shortly after the last one.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await second.stop();

        expect(handledByFirst).toBeLessThan(total);
        const stored = await store.readAll({ from: 'start', maxCount: 1_000_000 });
        const expected = stored.filter((e) => e.stream.startsWith(`${category}-`)).map((e) => e.id);
        expect(expected).toHaveLength(total);
        expect(seen.map((e) => e.id)).toEqual(expected);
      });

      it('signals catching up, then delivers live events', async () => {
        const category = `live${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        const stream = uniqueStream(category);
        await store.appendToStream(stream, [noted(0), noted(1)], {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        const seen: number[] = [];
        let caughtUpAt: Position | null | undefined;
        let seenWhenCaughtUp = -1;
        const subscription = store.subscribeToAll(
          { from: 'start', streamPrefixes: [`${category}-`], readAhead },
          {
            onEvents: async (events) => {
              seen.push(...events.map((e) => (e.data as { n: number }).n));
            },
            onCaughtUp: (position) => {
              caughtUpAt = position;
              seenWhenCaughtUp = seen.length;
            },
          },
        );
        try {
          await eventually(() => caughtUpAt !== undefined, 'caught up');
          expect(seenWhenCaughtUp).toBe(2);
          const [, last] = await store.readStream(stream);
          expect(caughtUpAt).toEqual(last.position);
          await store.appendToStream(stream, [noted(2)], { expectedRevision: 1n, metadata: contractMetadata() });
          await eventually(() => seen.length === 3, 'live event delivered');
          expect(seen).toEqual([0, 1, 2]);
        } finally {
          await subscription.stop();
        }
      });

      it('reports a failing handler as a drop and delivers nothing after it', async () => {
        const category = `fail${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        await store.appendToStream(uniqueStream(category), [noted(0), noted(1), noted(2)], {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        let calls = 0;
        let dropped: Error | undefined;
        const subscription = store.subscribeToAll(
          { from: 'start', streamPrefixes: [`${category}-`], batchSize: 1, readAhead },
          {
            onEvents: async () => {
              calls += 1;
              throw new Error('projection write failed');
            },
            onDropped: (error) => {
              dropped = error;
            },
          },
        );
        await eventually(() => dropped !== undefined, 'drop reported');
        expect(dropped?.message).toBe('projection write failed');
        expect(calls).toBe(1);
        await subscription.stop();
      });
    

      it('catches up over many pages of history, then delivers live events', async () => {
        const category = `long${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        const stream = uniqueStream(category);
        const history = 9_000;
        for (let i = 0; i < history; i += 500) {
          await store.appendToStream(
            stream,
            Array.from({ length: 500 }, (_, k) => noted(i + k)),
            { expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1), metadata: contractMetadata() },
          );
        }
        const seen: number[] = [];
        let caughtUp = false;
        const subscription = store.subscribeToAll(
          { from: 'start', streamPrefixes: [`${category}-`], batchSize: 1000, readAhead },
          {
            onEvents: async (events) => {
              seen.push(...events.map((e) => (e.data as { n: number }).n));
            },
            onCaughtUp: () => {
              caughtUp = true;
            },
          },
        );
        try {
          await eventually(() => caughtUp, 'caught up', 30_000);
          expect(seen).toEqual(Array.from({ length: history }, (_, n) => n));
          await store.appendToStream(stream, [noted(history)], { expectedRevision: BigInt(history - 1), metadata: contractMetadata() });
          await eventually(() => seen.length === history + 1, 'live event delivered');
          expect(seen.at(-1)).toBe(history);
        } finally {
          await subscription.stop();
        }
      });
    });

    describe('deleting a stream', () => {
      it('soft-deletes: reads as empty, and may be recreated continuing its revisions', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [noted(0), noted(1)], {
          expectedRevision: 'no_stream',
          metadata: contractMetadata(),
        });
        await store.deleteStream(stream);
        expect(await store.readStream(stream)).toEqual([]);

        const recreated = await store.appendToStream(stream, [noted(2)], {
          expectedRevision: 'any',
          metadata: contractMetadata(),
        });
        expect(recreated.nextRevision).toBe(2n);
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.revision, (e.data as { n: number }).n])).toEqual([[2n, 2]]);
      });

      it('tombstones: the stream can never be read, written or deleted again', async () => {
        const stream = uniqueStream();
        await store.appendToStream(stream, [noted(0)], { expectedRevision: 'no_stream', metadata: contractMetadata() });
        await store.deleteStream(stream, { tombstone: true });
        const deleted = { kind: 'conflict', code: STREAM_DELETED };
        await expect(store.readStream(stream)).rejects.toMatchObject(deleted);
        await expect(
          store.appendToStream(stream, [noted(1)], { expectedRevision: 'any', metadata: contractMetadata() }),
        ).rejects.toMatchObject(deleted);
        await expect(store.deleteStream(stream, { tombstone: true })).rejects.toMatchObject(deleted);
      });
    });
  });
};
