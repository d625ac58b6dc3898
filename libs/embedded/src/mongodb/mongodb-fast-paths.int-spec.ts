/**
 * The read and write shapes the read models send most, through the driver: projected reads by
 * `_id`, `$in` lookups, indexed finds and guarded bulk writes answer as the general paths do,
 * and a projection never changes what is stored.
 */
import { useMongoHarness, type Row } from './testing/mongo.harness';

const mongo = useMongoHarness('fast');

const rows = () => mongo.db.collection<Row<string>>('docs');

const STORED: Row<string>[] = [
  { _id: 'a', pos: 1, title: 'A', author: { id: 'u1', name: 'x' }, posts: [{ k: 1, v: 2 }, 3] },
  { _id: 'b', pos: 2, title: 'B', author: { id: 'u2', name: 'y' }, posts: [[{ k: 1 }], { k: 2 }] },
  { _id: 'c', pos: 3, title: 'C', qid: 'q', body: 'text' },
  { _id: 'd', pos: 4, title: 'D', qid: 'q', body: 'more' },
];

beforeEach(async () => {
  await rows().createIndex({ qid: 1, pos: 1 });
  await rows().insertMany(STORED.map((d) => structuredClone(d)));
});

const raw = () =>
  rows()
    .find({}, { sort: { _id: 1 } })
    .toArray();

describe('projections', () => {
  it('answer inclusions in the stored field order, _id first', async () => {
    const doc = await rows().findOne({ _id: 'a' }, { projection: { title: 1, 'author.id': 1 } });
    expect(doc).toEqual({ _id: 'a', title: 'A', author: { id: 'u1' } });
    expect(Object.keys(doc!)).toEqual(['_id', 'title', 'author']);
    const found = await rows()
      .find({ qid: 'q' }, { projection: { body: 1, _id: 0 } })
      .toArray();
    expect(found).toEqual([{ body: 'text' }, { body: 'more' }]);
  });

  it('apply dotted paths through arrays, nested arrays included', async () => {
    const docs = await rows()
      .find({ _id: { $in: ['a', 'b'] } }, { projection: { 'posts.k': 1 } })
      .toArray();
    expect(docs).toEqual([
      { _id: 'a', posts: [{ k: 1 }] },
      { _id: 'b', posts: [[{ k: 1 }], { k: 2 }] },
    ]);
  });

  it('leave the stored documents alone, whichever path projects them', async () => {
    const before = await raw();
    for (const projection of [{ 'author.name': 0 }, { 'posts.k': 0 }, { title: 0, _id: 0 }]) {
      await rows().find({}, { projection }).toArray();
    }
    const excluded = await rows().findOne({ _id: 'a' }, { projection: { 'posts.k': 0 } });
    expect(excluded).toEqual({ ...STORED[0], posts: [{ v: 2 }, 3] });
    expect(await raw()).toEqual(before);
  });
});

describe('lookups by _id', () => {
  it('answer $in in list order, without duplicates, honouring limit and other conditions', async () => {
    const ids = async (filter: object, limit = 0) =>
      (await rows().find(filter, { limit }).toArray()).map((d) => d._id);
    expect(await ids({ _id: { $in: ['d', 'x', 'a', 'd'] } })).toEqual(['d', 'a']);
    expect(await ids({ _id: { $in: ['d', 'a', 'c'] } }, 2)).toEqual(['d', 'a']);
    expect(await ids({ _id: { $in: ['d', 'a', 'c'] }, pos: { $lt: 4 } })).toEqual(['a', 'c']);
    expect(await ids({ _id: 'c', pos: { $lt: 3 } })).toEqual([]);
  });

  it('guard bulk writes by _id and pos as the general path does', async () => {
    const r = await rows().bulkWrite(
      [
        { updateOne: { filter: { _id: 'a', pos: { $lt: 9 } }, update: { $set: { pos: 9 } } } },
        { updateOne: { filter: { _id: 'b', pos: { $lt: 1 } }, update: { $set: { pos: 9 } } } },
        {
          replaceOne: {
            filter: { _id: 'c', pos: { $lt: 9 } },
            replacement: { _id: 'c', pos: 9, title: 'C2' },
            upsert: true,
          },
        },
        {
          replaceOne: {
            filter: { _id: 'e', pos: { $lt: 9 } },
            replacement: { _id: 'e', pos: 9 },
            upsert: true,
          },
        },
        { insertOne: { document: { _id: 'f', pos: 1 } } },
      ],
      { ordered: false },
    );
    expect(r.matchedCount).toBe(2);
    expect(r.modifiedCount).toBe(2);
    expect(r.upsertedCount).toBe(1);
    expect(r.insertedCount).toBe(1);
    expect((await raw()).map((d) => [d._id, d.pos])).toEqual([
      ['a', 9],
      ['b', 2],
      ['c', 9],
      ['d', 4],
      ['e', 9],
      ['f', 1],
    ]);
    expect(await rows().findOne({ _id: 'c' })).toEqual({ _id: 'c', pos: 9, title: 'C2' });
  });
});
