import { deterministicEventId } from './deterministic-event-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('deterministicEventId', () => {
  it('derives the same UUID for the same key and index', () => {
    const key = '1f6a0c52-2b43-4c55-9a0e-0d6c1b7e9f10';
    expect(deterministicEventId(key, 0)).toBe(deterministicEventId(key, 0));
    expect(deterministicEventId(key, 0)).toMatch(UUID);
  });

  it('gives every event of a command and every key its own id', () => {
    const ids = new Set<string>();
    for (const key of ['a', 'b', 'a0', '']) {
      for (let index = 0; index < 50; index++) ids.add(deterministicEventId(key, index));
    }
    expect(ids.size).toBe(200);
  });

  it('does not confuse a key ending in digits with a different index', () => {
    expect(deterministicEventId('key1', 0)).not.toBe(deterministicEventId('key', 10));
  });

  it('refuses a negative or fractional index', () => {
    expect(() => deterministicEventId('k', -1)).toThrow(RangeError);
    expect(() => deterministicEventId('k', 1.5)).toThrow(RangeError);
  });
});
