/** Aggregation through the real driver: the stages the read models and their users rely on. */
import { useMongoHarness, type Row } from './testing/mongo.harness';

const mongo = useMongoHarness('agg');

const rows = (name: string) => mongo.db.collection<Row<number | string>>(name);

beforeEach(async () => {
  await rows('questions').insertMany([
    { _id: 'q1', category: 'a', votes: 5, tags: ['x', 'y'], author: 'u1' },
    { _id: 'q2', category: 'b', votes: 2, tags: ['y'], author: 'u2' },
    { _id: 'q3', category: 'a', votes: 9, tags: [], author: 'u1' },
    { _id: 'q4', category: 'c', votes: 1, tags: ['z'], author: 'u3' },
  ]);
  await rows('users').insertMany([
    { _id: 'u1', name: 'Ann' },
    { _id: 'u2', name: 'Bob' },
  ]);
});

it('$match, $group, $sort, $skip and $limit', async () => {
  const out = await rows('questions')
    .aggregate([
      { $match: { votes: { $gte: 2 } } },
      { $group: { _id: '$category', total: { $sum: '$votes' }, count: { $sum: 1 } } },
      { $sort: { total: -1 } },
      { $skip: 0 },
      { $limit: 5 },
    ])
    .toArray();
  expect(out).toEqual([
    { _id: 'a', total: 14, count: 2 },
    { _id: 'b', total: 2, count: 1 },
  ]);
});

it('$project computes and hides fields', async () => {
  const out = await rows('questions')
    .aggregate([
      { $match: { _id: 'q1' } },
      { $project: { _id: 0, author: 1, double: { $multiply: ['$votes', 2] } } },
    ])
    .toArray();
  expect(out).toEqual([{ author: 'u1', double: 10 }]);
});

it('$unwind emits one document per array element', async () => {
  const out = await rows('questions')
    .aggregate([
      { $unwind: '$tags' },
      { $group: { _id: '$tags', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ])
    .toArray();
  expect(out).toEqual([
    { _id: 'x', n: 1 },
    { _id: 'y', n: 2 },
    { _id: 'z', n: 1 },
  ]);
});

it('$lookup joins another collection of the same database', async () => {
  const out = await rows('questions')
    .aggregate([
      { $match: { category: 'a' } },
      { $sort: { _id: 1 } },
      { $lookup: { from: 'users', localField: 'author', foreignField: '_id', as: 'who' } },
      { $project: { who: 1 } },
    ])
    .toArray();
  expect(out).toEqual([
    { _id: 'q1', who: [{ _id: 'u1', name: 'Ann' }] },
    { _id: 'q3', who: [{ _id: 'u1', name: 'Ann' }] },
  ]);
});

it('$lookup results can be changed by later stages without changing the stored documents', async () => {
  await rows('questions')
    .aggregate([
      { $lookup: { from: 'users', localField: 'author', foreignField: '_id', as: 'who' } },
      { $unwind: '$who' },
      { $set: { 'who.name': 'changed' } },
    ])
    .toArray();
  expect(await rows('users').findOne({ _id: 'u1' })).toEqual({ _id: 'u1', name: 'Ann' });
});

it('$facet runs several pipelines over the same input', async () => {
  const [out] = await rows('questions')
    .aggregate([
      {
        $facet: {
          total: [{ $count: 'n' }],
          top: [{ $sort: { votes: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
        },
      },
    ])
    .toArray();
  expect(out).toEqual({ total: [{ n: 4 }], top: [{ _id: 'q3' }] });
});

it('returns big aggregation results through getMore', async () => {
  await rows('big').insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, v: i })));
  const out = await rows('big')
    .aggregate([{ $sort: { v: -1 } }], { batchSize: 50 })
    .toArray();
  expect(out).toHaveLength(300);
  expect(out[0]).toEqual({ _id: 299, v: 299 });
});

it('refuses $out and $merge instead of ignoring them', async () => {
  await expect(
    rows('questions')
      .aggregate([{ $out: 'copy' }])
      .toArray(),
  ).rejects.toThrow(/not supported by the embedded server/);
  await expect(
    rows('questions')
      .aggregate([{ $merge: { into: 'copy' } }])
      .toArray(),
  ).rejects.toThrow(/not supported/);
});

it('refuses change streams as a standalone server does', async () => {
  const stream = rows('questions').watch();
  await expect(stream.tryNext()).rejects.toMatchObject({ code: 40573 });
  await stream.close();
});

it('refuses collations other than simple', async () => {
  await expect(
    rows('questions')
      .find({}, { collation: { locale: 'fr' } })
      .toArray(),
  ).rejects.toThrow(/collation .* not supported/);
  expect(
    await rows('questions')
      .find({ _id: 'q1' }, { collation: { locale: 'simple' } })
      .toArray(),
  ).toHaveLength(1);
});

it('$sort follows BSON order at the top level and inside $facet', async () => {
  const { ObjectId } = await import('mongodb');
  const early = new ObjectId('000000000000000000000001');
  const late = new ObjectId('ffffffffffffffffffffffff');
  await rows('order').insertMany([
    { _id: 1, v: late },
    { _id: 2, v: 'text' },
    { _id: 3, v: early },
    { _id: 4, v: 7 },
    { _id: 5, v: [3, 10] },
  ]);
  const top = await rows('order')
    .aggregate([{ $sort: { v: 1 } }, { $project: { _id: 1 } }])
    .toArray();
  expect(top.map((d) => d._id)).toEqual([5, 4, 2, 3, 1]);
  const [faceted] = await rows('order')
    .aggregate([{ $facet: { desc: [{ $sort: { v: -1 } }, { $project: { _id: 1 } }] } }])
    .toArray();
  expect(faceted.desc.map((d: { _id: number }) => d._id)).toEqual([1, 3, 2, 5, 4]);
});

it('$match inside a pipeline uses BSON type names', async () => {
  const out = await rows('questions')
    .aggregate([
      { $project: { votes: 1 } },
      { $match: { votes: { $type: 'int' } } },
      { $count: 'n' },
    ])
    .toArray();
  expect(out).toEqual([{ n: 4 }]);
});

it('the $type expression answers with MongoDB type names', async () => {
  const { ObjectId, Binary } = await import('mongodb');
  await rows('typed').insertMany([
    { _id: 1, v: new ObjectId() },
    { _id: 2, v: new Binary(Buffer.from('x')) },
    { _id: 3, v: 'text' },
    { _id: 4 },
  ]);
  const out = await rows('typed')
    .aggregate([{ $sort: { _id: 1 } }, { $project: { t: { $type: '$v' } } }])
    .toArray();
  expect(out.map((d) => d.t)).toEqual(['objectId', 'binData', 'string', 'missing']);
  const viaExpr = await rows('typed')
    .find({ $expr: { $eq: [{ $type: '$v' }, 'objectId'] } })
    .toArray();
  expect(viaExpr.map((d) => d._id)).toEqual([1]);
});

describe('counting: countDocuments and the pipelines shaped like it', () => {
  it('counts matches, with skip and limit, through an index and without one', async () => {
    await rows('questions').createIndex({ tags: 1, votes: -1 });
    const q = rows('questions');
    expect(await q.countDocuments({})).toBe(4);
    expect(await q.countDocuments({ tags: 'y' })).toBe(2);
    expect(await q.countDocuments({ tags: 'y', votes: { $gt: 2 } })).toBe(1);
    expect(await q.countDocuments({ category: 'a' }, { skip: 1 })).toBe(1);
    expect(await q.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await q.countDocuments({ tags: 'nothing' })).toBe(0);
    expect(await mongo.db.collection('absent').countDocuments({ a: 1 })).toBe(0);
  });

  it('gives what the general pipeline gives: a constant _id, any field name, any summed number', async () => {
    const q = rows('questions');
    const run = (pipeline: object[]) => q.aggregate(pipeline).toArray();
    expect(
      await run([{ $match: { category: 'a' } }, { $group: { _id: null, total: { $sum: 2 } } }]),
    ).toEqual([{ _id: null, total: 4 }]);
    expect(
      await run([{ $match: { category: 'z' } }, { $group: { _id: 'all', n: { $sum: 1 } } }]),
    ).toEqual([]);
    // a group by a field, a second accumulator, or a stage after the group: the general way
    expect(
      await run([
        { $match: {} },
        { $group: { _id: '$category', n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]),
    ).toEqual([
      { _id: 'a', n: 2 },
      { _id: 'b', n: 1 },
      { _id: 'c', n: 1 },
    ]);
    expect(
      await run([{ $match: {} }, { $group: { _id: 1, n: { $sum: 1 }, v: { $sum: '$votes' } } }]),
    ).toEqual([{ _id: 1, n: 4, v: 17 }]);
    // refused as MongoDB refuses them
    await expect(
      run([{ $match: {} }, { $limit: 0 }, { $group: { _id: 1, n: { $sum: 1 } } }]),
    ).rejects.toThrow(expect.objectContaining({ code: 15958 }));
    await expect(
      run([{ $match: {} }, { $skip: -1 }, { $group: { _id: 1, n: { $sum: 1 } } }]),
    ).rejects.toThrow(expect.objectContaining({ code: 15956 }));
    await expect(run([{ $match: {} }, { $skip: 1.5 }])).rejects.toThrow(
      expect.objectContaining({ code: 15956 }),
    );
  });
});
