import { KeyCache } from './key.cache';

describe('KeyCache', () => {
  it('evicts the least recently used key beyond its capacity', () => {
    const cache = new KeyCache(2, 60_000);
    cache.set('a', 'ka');
    cache.set('b', 'kb');
    expect(cache.get('a')).toBe('ka');
    cache.set('c', 'kc');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('ka');
    expect(cache.get('c')).toBe('kc');
    expect(cache.size).toBe(2);
  });

  it('stops trusting a key after its time to live', () => {
    let now = 1_000;
    const cache = new KeyCache(10, 500, () => now);
    cache.set('a', 'ka');
    now = 1_499;
    expect(cache.get('a')).toBe('ka');
    now = 1_500;
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets a deleted key', () => {
    const cache = new KeyCache(10, 60_000);
    cache.set('a', 'ka');
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
