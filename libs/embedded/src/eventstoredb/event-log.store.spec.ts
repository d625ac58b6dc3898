import { randomUUID } from 'node:crypto';
import { EventLog, EXPECTED_ANY, EXPECTED_NO_STREAM, type ProposedEvent } from './event-log.store';

const event = (id = randomUUID()): ProposedEvent => ({
  id,
  type: 'Happened',
  isJson: true,
  data: Buffer.from('{}'),
  metadata: Buffer.alloc(0),
});

describe('EventLog idempotency cache for expected revision any', () => {
  let log: EventLog;
  beforeEach(() => (log = new EventLog(':memory:', { recentWrites: 100 })));
  afterEach(() => log.close());

  /** Writes `count` other events, ten to an append. */
  const fill = (count: number) => {
    for (let i = 0; i < count; i += 10) {
      const size = Math.min(10, count - i);
      log.append(
        'other',
        EXPECTED_ANY,
        Array.from({ length: size }, () => event()),
      );
    }
  };

  it('forgets the oldest ids first once full, and keeps the rest', () => {
    const first = event();
    const second = event();
    expect(log.append('s', EXPECTED_ANY, [first])).toMatchObject({ kind: 'ok', revision: 0 });
    expect(log.append('s', EXPECTED_ANY, [second])).toMatchObject({ kind: 'ok', revision: 1 });
    // Known ids: the same append again is a no-op answered with the original result.
    expect(log.append('s', EXPECTED_ANY, [first])).toMatchObject({ kind: 'ok', revision: 0 });
    fill(98);
    // Full now; one more write pushes out `first` only.
    log.append('other', EXPECTED_ANY, [event()]);
    expect(log.append('s', EXPECTED_ANY, [second])).toMatchObject({ kind: 'ok', revision: 1 });
    expect(log.append('s', EXPECTED_ANY, [first])).toMatchObject({ kind: 'ok', revision: 2 });
    // `first` is remembered again, at its new revision, and pushes out the next oldest.
    expect(log.append('s', EXPECTED_ANY, [first])).toMatchObject({ kind: 'ok', revision: 2 });
    expect(log.append('s', EXPECTED_ANY, [second])).toMatchObject({ kind: 'ok', revision: 3 });
  });

  it('keeps the first place of an id written again (to another stream)', () => {
    const id = randomUUID();
    expect(log.append('a', EXPECTED_ANY, [event(id)])).toMatchObject({ kind: 'ok', revision: 0 });
    // Unknown on stream b: written there, and the cache now points at b.
    expect(log.append('b', EXPECTED_ANY, [event(id)])).toMatchObject({ kind: 'ok', revision: 0 });
    expect(log.append('b', EXPECTED_ANY, [event(id)])).toMatchObject({ kind: 'ok', revision: 0 });
    fill(99);
    // Still known: the cache holds exactly 100 ids.
    expect(log.append('b', EXPECTED_ANY, [event(id)])).toMatchObject({ kind: 'ok', revision: 0 });
    // Evicted by its first place, although stream b wrote it later: b writes it anew.
    fill(1);
    expect(log.append('b', EXPECTED_ANY, [event(id)])).toMatchObject({ kind: 'ok', revision: 1 });
  });
});

describe('EventLog.appendAll (group commit)', () => {
  let log: EventLog;
  beforeEach(() => (log = new EventLog(':memory:')));
  afterEach(() => log.close());

  it('answers each append as if it had been alone, in order', () => {
    const repeated = event();
    const outcomes = log.appendAll([
      { stream: 'a', expected: EXPECTED_NO_STREAM, events: [event(), event()] },
      { stream: 'a', expected: EXPECTED_NO_STREAM, events: [event()] },
      { stream: 'a', expected: 1, events: [repeated] },
      // The same id again with `any`, in the same group: a no-op with the original result.
      { stream: 'a', expected: EXPECTED_ANY, events: [repeated] },
      { stream: 'b', expected: 5, events: [event()] },
    ]);
    expect(outcomes).toEqual([
      { kind: 'ok', revision: 1, position: expect.any(Number) },
      { kind: 'wrong-expected-version', current: 1 },
      { kind: 'ok', revision: 2, position: expect.any(Number) },
      { kind: 'ok', revision: 2, position: (outcomes[2] as { position: number }).position },
      { kind: 'wrong-expected-version', current: -1 },
    ]);
    expect(log.readStreamForward(log.stream('a')!.id, 0, 10).map((r) => r[2])).toEqual([0, 1, 2]);
    expect(log.stream('b')).toBeUndefined();
  });

  it('undoes only the append that throws, and publishes the others once committed', () => {
    const published: string[] = [];
    log.onAppended((events) => published.push(...events.map((e) => `${e.stream}@${e.revision}`)));
    const broken = { ...event(), id: null as unknown as string };
    const outcomes = log.appendAll([
      { stream: 'a', expected: EXPECTED_ANY, events: [event()] },
      { stream: 'b', expected: EXPECTED_ANY, events: [event(), broken] },
      { stream: 'a', expected: EXPECTED_ANY, events: [event()] },
    ]);
    expect(outcomes[0]).toMatchObject({ kind: 'ok', revision: 0 });
    expect(outcomes[1]).toBeInstanceOf(Error);
    expect(outcomes[2]).toMatchObject({ kind: 'ok', revision: 1 });
    expect(published).toEqual(['a@0', 'a@1']);
    expect(log.stream('b')).toBeUndefined();
    // Positions carry on from what was kept: the next record follows a@1 directly.
    const next = log.append('c', EXPECTED_ANY, [event()]) as { position: number };
    const [previous, last] = log.readAllForward(0, 100).slice(-2);
    expect(last[0]).toBe(next.position);
    expect(next.position).toBe(previous[0] + 64 + previous[1].length);
    expect(
      log.appendAll([{ stream: 'b', expected: EXPECTED_NO_STREAM, events: [event()] }]),
    ).toEqual([{ kind: 'ok', revision: 0, position: expect.any(Number) }]);
  });
});
