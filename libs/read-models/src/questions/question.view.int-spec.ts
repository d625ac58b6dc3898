/**
 * The page reads' `find` command helpers against the embedded MongoDB server: every match
 * comes back even when it takes more than one batch (`getMore` in the cursor's session),
 * sorts, skips and limits as a driver cursor would, `findFirst` answers like `findOne`, and
 * lookups by id asked for together share one find.
 */
import type { ReadModelStore } from '../engine/read-model.store';
import { watchedStore } from '../testing/watched-store';
import { findAll, findByIds, findFirst, loadAuthors } from './question.view';

jest.setTimeout(60_000);

describe('find command helpers', () => {
  const watched = watchedStore();
  const { started } = watched;
  let store: ReadModelStore;

  beforeAll(async () => {
    store = watched.store;
    // more posts than a first batch holds (101), in an order their ids do not follow
    const posts = Array.from({ length: 250 }, (_, i) => ({
      _id: `p${String((i * 37) % 250).padStart(3, '0')}`,
      questionId: 'q1',
      postedAt: String(1000 + ((i * 37) % 250)),
      body: `body ${i}`,
    }));
    await store
      .collection('posts')
      .insertMany([
        ...posts,
        { _id: 'other', questionId: 'q2', postedAt: '1', body: 'x' },
      ] as never[]);
    await store
      .collection('users')
      .insertMany(
        Array.from({ length: 150 }, (_, i) => ({
          _id: `u${i}`,
          username: `User${i}`,
          points: i,
          usernameLower: `user${i}`,
        })) as never[],
      );
  });

  it('returns every match, asking for more batches while the cursor is open, in one session', async () => {
    const docs = await findAll(store, 'posts', {
      filter: { questionId: 'q1' },
      projection: { body: 1 },
    });
    expect(docs).toHaveLength(250);
    expect(new Set(docs.map((d) => d._id)).size).toBe(250);
    expect(docs.every((d) => Object.keys(d).sort().join() === '_id,body')).toBe(true);
    const names = started.map((e) => e.commandName);
    expect(names[0]).toBe('find');
    expect(names.filter((n) => n === 'getMore').length).toBeGreaterThan(0);
    const sessions = new Set(started.map((e) => JSON.stringify(e.command.lsid)));
    expect(sessions.size).toBe(1);
    // the same documents a driver cursor finds
    const viaCursor = await store
      .collection('posts')
      .find({ questionId: 'q1' }, { projection: { body: 1 } })
      .toArray();
    expect(docs.map((d) => d._id).sort()).toEqual(viaCursor.map((d) => d._id).sort());
  });

  it('sorts, skips and limits as a cursor does, in one batch', async () => {
    const page = await findAll(store, 'posts', {
      filter: { questionId: 'q1' },
      sort: { postedAt: -1, _id: -1 },
      skip: 20,
      limit: 10,
    });
    const viaCursor = await store
      .collection('posts')
      .find({ questionId: 'q1' })
      .sort({ postedAt: -1, _id: -1 })
      .skip(20)
      .limit(10)
      .toArray();
    expect(page.map((d) => d._id)).toEqual(viaCursor.map((d) => d._id));
    expect(page.map((d) => d._id)[0]).toBe('p229');
    expect(await findAll(store, 'posts', { filter: { questionId: 'none' } })).toEqual([]);
  });

  it('findFirst answers like findOne', async () => {
    expect(await findFirst(store, 'posts', { _id: 'other' }, { questionId: 1 })).toEqual({
      _id: 'other',
      questionId: 'q2',
    });
    expect(await findFirst(store, 'posts', { _id: 'missing' })).toBeNull();
  });

  it('loads the points of more authors than a first batch holds', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `u${i}`);
    const users = await loadAuthors(store, [...ids, 'ghost', null, 'u3']);
    expect(users.size).toBe(150);
    expect(users.get('u149')).toEqual({ _id: 'u149', username: 'User149', points: 149 });
  });

  it('sends lookups by id asked for together as one find, each caller getting its own ids', async () => {
    const [a, b, c, none] = await Promise.all([
      loadAuthors(store, ['u1', 'u2']),
      loadAuthors(store, ['u2', 'u3', 'ghost']),
      findByIds(store, 'posts', ['other'], { questionId: 1 }),
      loadAuthors(store, [null]),
    ]);
    expect([...a.keys()]).toEqual(['u1', 'u2']);
    expect([...b.keys()]).toEqual(['u2', 'u3']);
    expect(b.get('u3')).toEqual({ _id: 'u3', username: 'User3', points: 3 });
    expect(c).toEqual(new Map([['other', { _id: 'other', questionId: 'q2' }]]));
    expect(none.size).toBe(0);
    const finds = started.filter((e) => e.commandName === 'find');
    expect(finds.map((e) => e.command.find).sort()).toEqual(['posts_v1', 'users_v1']);
    expect(finds.find((e) => e.command.find === 'users_v1')!.command.filter._id.$in).toEqual(['u1', 'u2', 'u3', 'ghost']);
  });

  it('never answers a lookup from a find sent before it was asked for', async () => {
    const first = loadAuthors(store, ['u7']);
    await new Promise((resolve) => setImmediate(resolve)); // the first find has left
    await store.collection('users').updateOne({ _id: 'u7' }, { $set: { points: 700 } });
    const second = loadAuthors(store, ['u7']);
    await first;
    expect((await second).get('u7')?.points).toBe(700);
    expect(started.filter((e) => e.command.find === 'users_v1')).toHaveLength(2);
  });
});
