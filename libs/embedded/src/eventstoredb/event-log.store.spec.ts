import { randomUUID } from 'node:crypto';
import { EventLog, EXPECTED_ANY, type ProposedEvent } from './event-log.store';

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
