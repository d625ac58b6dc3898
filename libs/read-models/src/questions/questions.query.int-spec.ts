/**
 * Question page reads asked for together are answered by one batch (three finds for all of
 * them) with exactly the pages each would get alone: visible pages, null for hidden and
 * unknown questions, a posts reply larger than one batch, the same page asked twice, and a
 * batch that starts after a write sees that write.
 */
import type { Document } from 'mongodb';
import type { ProjectedEvent } from '../engine/projection.context';
import { MemoryDocSet, ReadModelProjection } from '../engine/read-model.projection';
import type { ReadModelStore } from '../engine/read-model.store';
import { watchedStore } from '../testing/watched-store';
import { siteStream } from '../testing/site.generator';
import { questionPage, questionPages } from './questions.query';

jest.setTimeout(60_000);

describe('question page reads in batches', () => {
  const watched = watchedStore();
  const { started } = watched;
  let store: ReadModelStore;
  const ids: string[] = [];

  beforeAll(async () => {
    store = watched.store;
    await store.ensureIndexes();
    const docs = new MemoryDocSet();
    const projection = new ReadModelProjection();
    let pos = 0;
    for (const chunk of siteStream(3, { users: 40, questions: 60 })) {
      for (const e of chunk) {
        pos += 10;
        projection.apply(docs, { ...e, id: `e${pos}`, revision: 0n, pos } as unknown as ProjectedEvent);
      }
    }
    for (const c of ['users', 'categories', 'questions', 'posts'] as const) {
      await store.collection(c).insertMany([...docs.collections[c].values()] as never[]);
    }
    ids.push(...[...docs.collections.questions.keys()].map(String));
    // one hidden question, and one page with more posts than a batch's first reply holds
    await store.collection('questions').updateOne({ _id: ids[1] }, { $set: { hidden: true } });
    const template = (await store.collection('posts').findOne({ kind: 'comment' })) as Document;
    await store.collection('posts').insertMany(
      Array.from({ length: 1100 }, (_, i) => ({
        ...template,
        _id: `extra${i}`,
        questionId: ids[2],
        parent: { kind: 'question', id: ids[2] },
        postedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
        body: `extra ${i}`,
        hidden: false,
      })) as never[],
    );
  });

  it('answers reads asked for together with one batch and the pages each gets alone', async () => {
    const asked = [...ids, 'nope', ids[0], ids[5], ids[1]];
    const alone: unknown[] = [];
    for (const id of asked) alone.push(await questionPage(store, id));
    expect(alone[1]).toBeNull();
    expect(alone[ids.length]).toBeNull();
    expect((alone[0] as { id: string }).id).toBe(ids[0]);
    expect((alone[2] as { comments: unknown[] }).comments.length).toBeGreaterThanOrEqual(1100);

    started.length = 0;
    const together = await Promise.all(asked.map((id) => questionPage(store, id)));
    expect(together).toEqual(alone);
    const finds = started.filter((e) => e.commandName === 'find').map((e) => e.command.find);
    expect(finds.sort()).toEqual(['posts_v1', 'questions_v1', 'users_v1']);
    expect(started.some((e) => e.commandName === 'getMore')).toBe(true);
  });

  it('splits a long run of reads into batches of bounded size', async () => {
    const pages = await Promise.all([...ids, ...ids].map((id) => questionPage(store, id)));
    expect(pages.slice(0, ids.length)).toEqual(pages.slice(ids.length));
    const questionFinds = started.filter((e) => e.command.find === 'questions_v1');
    expect(questionFinds.length).toBe(1);
    const many = Array.from({ length: 150 }, (_, i) => `missing${i}`);
    started.length = 0;
    expect(await Promise.all(many.map((id) => questionPage(store, id)))).toEqual(many.map(() => null));
    const inLists = started
      .filter((e) => e.command.find === 'questions_v1')
      .map((e) => (e.command.filter._id.$in as string[]).length);
    expect(inLists.reduce((a, b) => a + b, 0)).toBe(150);
    expect(Math.max(...inLists)).toBeLessThanOrEqual(64);
  });

  it('reads after it is asked: a batch sees a write made before the read was asked for', async () => {
    const before = await questionPage(store, ids[0]);
    await store.collection('questions').updateOne({ _id: ids[0] }, { $set: { title: 'changed' } });
    const [after] = await Promise.all([questionPage(store, ids[0]), questionPage(store, ids[3])]);
    expect(before?.title).not.toBe('changed');
    expect(after?.title).toBe('changed');
  });

  it('questionPages answers the visible pages among the ids', async () => {
    const pages = await questionPages(store, [ids[0], ids[1], 'nope']);
    expect([...pages.keys()]).toEqual([ids[0]]);
    expect(await questionPages(store, [])).toEqual(new Map());
  });
});
