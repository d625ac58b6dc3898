import { ConcurrencyError, DomainError, type DomainEvent } from '@qa/domain';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  StoredEvent,
} from '@qa/event-store';
import type { Actor } from '../auth/actor';
import { createCommandContext } from './command-context';
import { CommandRunner, StreamStateCache, type Fold } from './command-runner';

/** The port's append semantics the runner relies on: expected revisions and id de-duplication. */
class MemoryEventStore implements EventStore {
  readonly streams = new Map<string, StoredEvent[]>();
  private commit = 100n;
  appends = 0;
  reads = 0;

  async appendToStream(
    stream: string,
    events: EventToAppend[],
    options: { expectedRevision: ExpectedRevision; metadata: EventMetadata },
  ): Promise<AppendResult> {
    const existing = this.streams.get(stream) ?? [];
    const actual = existing.length === 0 ? 'no_stream' : BigInt(existing.length - 1);
    const expected = options.expectedRevision;
    if (expected !== 'any' && expected !== actual) {
      const from = expected === 'no_stream' ? 0 : Number(expected) + 1;
      const same = events.every((e, i) => existing[from + i]?.id === e.id);
      if (typeof expected !== 'string' || expected === 'no_stream') {
        if (same && from + events.length <= existing.length) {
          const last = existing[from + events.length - 1];
          return { nextRevision: last.revision, position: last.position };
        }
      }
      throw new ConcurrencyError(stream, String(expected), String(actual));
    }
    this.appends++;
    for (const e of events) {
      this.commit += 10n;
      existing.push({
        id: e.id!,
        type: e.type,
        data: e.data,
        stream,
        revision: BigInt(existing.length),
        position: { commit: this.commit, prepare: this.commit },
        metadata: options.metadata,
        created: new Date(),
      });
    }
    this.streams.set(stream, existing);
    const last = existing.at(-1)!;
    return { nextRevision: last.revision, position: last.position };
  }

  async readStream(stream: string): Promise<StoredEvent[]> {
    this.reads++;
    return [...(this.streams.get(stream) ?? [])];
  }

  readAll(): Promise<StoredEvent[]> {
    throw new Error('not used');
  }
  deleteStream(): Promise<void> {
    throw new Error('not used');
  }
  subscribeToAll(): never {
    throw new Error('not used');
  }
  async headPosition() {
    return null;
  }
  async close() {}
}

// A tiny counter aggregate: enough to see folds, decisions and conflicts.
type Counter = { total: number };
const counter: Fold<Counter> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => ({ total: s.total + (e.data as unknown as { by: number }).by }),
};
const add = (by: number) => [{ type: 'VoteCast', data: { by } } as unknown as DomainEvent];

const alice: Actor = { kind: 'user', userId: 'alice', username: 'alice', level: 0, ipHash: 'ip1' };
const bob: Actor = { kind: 'user', userId: 'bob', username: 'bob', level: 0, ipHash: 'ip2' };

describe('CommandRunner', () => {
  let store: MemoryEventStore;
  let runner: CommandRunner;

  beforeEach(() => {
    store = new MemoryEventStore();
    runner = new CommandRunner(store, { maxAttempts: 5, baseDelayMs: 1 });
  });

  it('appends to a new stream and answers the last event position, with metadata', async () => {
    const context = createCommandContext(alice, null, new Date('2026-01-01T00:00:00Z'));
    const outcome = await runner.handle('c-1', counter, () => [...add(1), ...add(2)], context);
    expect(outcome.position).toBe('120');
    expect(outcome.replayed).toBe(false);
    const [first] = await store.readStream('c-1');
    expect(first.metadata).toMatchObject({
      actor: 'alice',
      ipHash: 'ip1',
      at: '2026-01-01T00:00:00.000Z',
      schemaVersion: 1,
    });
  });

  it('passes a refusal through and appends nothing', async () => {
    const refuse = () => {
      throw new DomainError('forbidden', 'FORBIDDEN', 'no');
    };
    await expect(
      runner.handle('c-1', counter, refuse, createCommandContext(alice, null)),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(store.streams.has('c-1')).toBe(false);
  });

  it('re-reads and re-decides when another writer got in first, losing no update', async () => {
    await runner.handle('c-1', counter, () => add(1), createCommandContext(alice, null));
    let calls = 0;
    const seen: number[] = [];
    const outcome = await runner.handle(
      'c-1',
      counter,
      (state) => {
        seen.push(state.total);
        if (calls++ === 0) {
          // Someone else appends between this read and this append.
          void store.appendToStream('c-1', [{ type: 'VoteCast', data: { by: 10 }, id: 'other' }], {
            expectedRevision: 0n,
            metadata: {} as EventMetadata,
          });
        }
        return add(state.total);
      },
      createCommandContext(bob, null),
    );
    expect(seen).toEqual([1, 11]);
    expect(outcome.state.total).toBe(11);
    const events = await store.readStream('c-1');
    expect(events.map((e) => (e.data as { by: number }).by)).toEqual([1, 10, 11]);
  });

  it('gives up after the bounded number of attempts with CONCURRENT_MODIFICATION', async () => {
    await runner.handle('c-1', counter, () => add(1), createCommandContext(alice, null));
    let n = 0;
    const alwaysRaced = (state: Counter) => {
      void store.appendToStream('c-1', [{ type: 'VoteCast', data: { by: 1 }, id: `x${n++}` }], {
        expectedRevision: 'any',
        metadata: {} as EventMetadata,
      });
      return add(state.total);
    };
    await expect(
      runner.handle('c-1', counter, alwaysRaced, createCommandContext(bob, null)),
    ).rejects.toMatchObject({
      code: 'CONCURRENT_MODIFICATION',
    });
    expect(n).toBe(5);
  });

  it('answers a replayed Idempotency-Key with the original position and appends nothing', async () => {
    const key = '6f0e7c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b';
    const first = await runner.handle(
      'c-1',
      counter,
      () => add(5),
      createCommandContext(alice, key),
    );
    await runner.handle('c-1', counter, () => add(1), createCommandContext(bob, null));
    const appendsBefore = store.appends;
    const again = await runner.handle(
      'c-1',
      counter,
      () => add(5),
      createCommandContext(alice, key),
    );
    expect(again).toMatchObject({ position: first.position, replayed: true, appended: [] });
    expect(store.appends).toBe(appendsBefore);
    expect((await store.readStream('c-1')).length).toBe(2);
  });

  it('does not treat another caller using the same key as a replay', async () => {
    const key = 'shared-key';
    await runner.handle('c-1', counter, () => add(5), createCommandContext(alice, key));
    const other = await runner.handle('c-1', counter, () => add(7), createCommandContext(bob, key));
    expect(other.replayed).toBe(false);
    expect((await store.readStream('c-1')).length).toBe(2);
  });

  it('lets two racing copies of one keyed request append once', async () => {
    const key = 'race-key';
    const [a, b] = await Promise.all([
      runner.handle('c-1', counter, () => add(3), createCommandContext(alice, key)),
      runner.handle('c-1', counter, () => add(3), createCommandContext(alice, key)),
    ]);
    expect(a.position).toBe(b.position);
    expect(await store.readStream('c-1')).toHaveLength(1);
  });

  it('answers a decision to change nothing with the stream position, appending nothing', async () => {
    const first = await runner.handle(
      'c-1',
      counter,
      () => add(1),
      createCommandContext(alice, null),
    );
    const noop = await runner.handle('c-1', counter, () => [], createCommandContext(alice, null));
    expect(noop.position).toBe(first.position);
    expect(noop.appended).toEqual([]);
  });

  it('creates a fresh stream without reading it, and still refuses an existing one', async () => {
    const outcome = await runner.handle(
      'c-new',
      counter,
      () => add(1),
      createCommandContext(alice, null),
      {
        fresh: true,
      },
    );
    expect(store.reads).toBe(0);
    expect(outcome.appended).toHaveLength(1);
    // The same name again: the guess fails on its expected revision, the read sees the truth.
    const seen: number[] = [];
    await runner.handle(
      'c-new',
      counter,
      (state) => {
        seen.push(state.total);
        return add(1);
      },
      createCommandContext(alice, null),
      { fresh: true },
    );
    expect(seen).toEqual([0, 1]);
    expect(await store.readStream('c-new')).toHaveLength(2);
  });

  it('creates a new entity: answers its id with the position, without a read', async () => {
    const created = await runner.create(
      'n-1',
      'c-n-1',
      counter,
      () => add(2),
      createCommandContext(alice, null),
    );
    expect(store.reads).toBe(0);
    expect(created.id).toBe('n-1');
    const [event] = await store.readStream('c-n-1');
    expect(created.position).toBe(String(event.position?.commit));
  });

  it('skips the read of a cached stream and recovers when another writer made it stale', async () => {
    const cache = new StreamStateCache();
    const ctx = () => createCommandContext(alice, null);
    await runner.handle('v-1', counter, () => add(1), ctx(), { cache });
    const readsAfterFirst = store.reads;
    await runner.handle('v-1', counter, (s) => add(s.total), ctx(), { cache });
    expect(store.reads).toBe(readsAfterFirst);
    // Another process appends: the cached state is now stale.
    await store.appendToStream('v-1', [{ type: 'VoteCast', data: { by: 100 }, id: 'elsewhere' }], {
      expectedRevision: 'any',
      metadata: {} as EventMetadata,
    });
    const seen: number[] = [];
    await runner.handle(
      'v-1',
      counter,
      (s) => {
        seen.push(s.total);
        return add(1);
      },
      ctx(),
      { cache },
    );
    expect(seen).toEqual([2, 102]);
    const totals = (await store.readStream('v-1')).map((e) => (e.data as { by: number }).by);
    expect(totals).toEqual([1, 1, 100, 1]);
  });

  it('does not trust a "nothing to do" decided on a cached state', async () => {
    const cache = new StreamStateCache();
    await runner.handle('v-2', counter, () => add(1), createCommandContext(alice, null), { cache });
    await store.appendToStream('v-2', [{ type: 'VoteCast', data: { by: 5 }, id: 'other-writer' }], {
      expectedRevision: 'any',
      metadata: {} as EventMetadata,
    });
    // "Only add when the total is not 1 yet": the cache says it is 1, the stream says 6.
    const outcome = await runner.handle(
      'v-2',
      counter,
      (s) => (s.total === 1 ? [] : add(-5)),
      createCommandContext(alice, null),
      {
        cache,
      },
    );
    expect(outcome.appended).toHaveLength(1);
  });

  it('keeps the cache bounded, dropping the least recently used stream', () => {
    const cache = new StreamStateCache(2);
    cache.set('a', { state: 1, revision: 0n, position: '1' });
    cache.set('b', { state: 2, revision: 0n, position: '2' });
    cache.get('a');
    cache.set('c', { state: 3, revision: 0n, position: '3' });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('guesses a fresh stream on a cache miss, and reads when the guess was wrong', async () => {
    const cache = new StreamStateCache();
    const options = { cache, fresh: true };
    await runner.handle('v-3', counter, () => add(1), createCommandContext(alice, null), options);
    expect(store.reads).toBe(0);
    cache.delete('v-3');
    const seen: number[] = [];
    await runner.handle(
      'v-3',
      counter,
      (s) => {
        seen.push(s.total);
        return add(1);
      },
      createCommandContext(alice, null),
      options,
    );
    expect(seen).toEqual([0, 1]);
    expect(store.reads).toBe(1);
  });
});
