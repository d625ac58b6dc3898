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

describe('EventLog stream reads from the rows cache', () => {
  let log: EventLog;
  beforeEach(() => (log = new EventLog(':memory:')));
  afterEach(() => log.close());

  const revisions = (rows: Array<[number, Buffer, number, number]>) => rows.map((r) => r[2]);
  const ids = (rows: Array<[number, Buffer, number, number]>) =>
    rows.map((r) => r[1].toString('latin1'));

  it('answers as the database does, before and after appends, in both directions', () => {
    log.append('s', EXPECTED_NO_STREAM, [event(), event(), event()]);
    const id = log.stream('s')!.id;
    const fromDb = log.readStreamForward(id, 0, 1024);
    expect(revisions(fromDb)).toEqual([0, 1, 2]);
    // Cached now; a second read and reads of parts give the same rows.
    expect(ids(log.readStreamForward(id, 0, 1024))).toEqual(ids(fromDb));
    expect(revisions(log.readStreamForward(id, 1, 1))).toEqual([1]);
    expect(revisions(log.readStreamBackward(id, 5, 2))).toEqual([2, 1]);
    log.append('s', 2, [event()]);
    // A failed append (wrong expected revision) adds nothing.
    log.append('s', 0, [event()]);
    log.appendAll([
      { stream: 's', expected: 3, events: [event()] },
      {
        stream: 's',
        expected: EXPECTED_ANY,
        events: [event(), { ...event(), id: null as unknown as string }],
      },
    ]);
    const cached = log.readStreamForward(id, 0, 1024);
    expect(revisions(cached)).toEqual([0, 1, 2, 3, 4]);
    expect(revisions(log.readStreamBackward(id, 10, 1024))).toEqual([4, 3, 2, 1, 0]);
    // The same bytes a fresh log over the same rows would read.
    const fresh = (
      log as unknown as { selectStreamForward: { all(...a: number[]): unknown } }
    ).selectStreamForward.all(id, 0, 1024) as Array<[number, Buffer, number, number]>;
    expect(cached).toEqual(fresh);
  });

  it('stops keeping a stream that grows past 64 events', () => {
    log.append(
      's',
      EXPECTED_ANY,
      Array.from({ length: 60 }, () => event()),
    );
    const id = log.stream('s')!.id;
    log.readStreamForward(id, 0, 1024);
    log.append(
      's',
      EXPECTED_ANY,
      Array.from({ length: 10 }, () => event()),
    );
    expect(revisions(log.readStreamForward(id, 0, 1024))).toEqual(
      Array.from({ length: 70 }, (_, i) => i),
    );
    expect(revisions(log.readStreamForward(id, 65, 3))).toEqual([65, 66, 67]);
  });
});
