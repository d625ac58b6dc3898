import { createCommandContext, newId } from './command-context';
import type { Actor } from '../auth/actor';

const user: Actor = {
  kind: 'user',
  userId: 'u1',
  username: 'ann',
  level: 10,
  ipHash: 'h1',
};

describe('newId', () => {
  it('gives distinct 20-character ids of the domain alphabet without a key, across pool refills', () => {
    const context = createCommandContext(user, null);
    const ids = Array.from({ length: 1000 }, () => newId(context, 'answer'));
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('derives the same id from the same Idempotency-Key and purpose', () => {
    const a = createCommandContext(user, 'key-1');
    const b = createCommandContext(user, 'key-1');
    expect(newId(a, 'answer')).toBe(newId(b, 'answer'));
    expect(newId(a, 'answer')).not.toBe(newId(a, 'question'));
    expect(newId(a, 'answer')).toMatch(/^[a-z0-9]{20}$/);
  });
});
