/** MongoIdSet against the embedded MongoDB server through the real driver. */
import { useMongoHarness } from '../../embedded/src/mongodb/testing/mongo.harness';
import { MongoIdSet } from './mongo-id-set';

describe('MongoIdSet (embedded MongoDB)', () => {
  const h = useMongoHarness('idset');

  it('answers membership, and adding again keeps the first time', async () => {
    const set = new MongoIdSet(h.db, 'members');
    const first = new Date('2026-01-01T00:00:00Z');
    await set.add('a', first);
    await set.add('a', new Date('2026-02-01T00:00:00Z'));
    expect(await set.has('a')).toBe(true);
    expect(await set.has('b')).toBe(false);
    expect(await h.db.collection('members').find().toArray()).toEqual([{ _id: 'a', at: first }]);
  });

  it('answers checks made at the same moment with one query, each with its own answer', async () => {
    const set = new MongoIdSet(h.db, 'members');
    await set.add('x');
    const finds: unknown[] = [];
    const command = h.db.command.bind(h.db);
    jest.spyOn(h.db, 'command').mockImplementation((cmd, options) => {
      if ('find' in cmd) finds.push(cmd);
      return command(cmd, options);
    });
    const answers = await Promise.all(['x', 'y', 'x', 'z'].map((id) => set.has(id)));
    expect(answers).toEqual([true, false, true, false]);
    expect(finds).toHaveLength(1);
  });
});
