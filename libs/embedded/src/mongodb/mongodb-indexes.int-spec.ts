/**
 * Indexes are real: unique keys are enforced on every write path, and lookups, ranges and
 * sorted pages on an indexed field read only the documents they return (checked through
 * the `explain` command's executionStats, as one would on a real server).
 */
import { MongoServerError } from 'mongodb';
import { useMongoHarness, type Row } from './testing/mongo.harness';

const mongo = useMongoHarness('idx');

const rows = (name: string) => mongo.db.collection<Row>(name);

async function seeded(name: string, count: number) {
  const coll = rows(name);
  await coll.insertMany(
    Array.from({ length: count }, (_, i) => ({
      _id: i,
      email: `u${i}@x`,
      score: i % 50,
      group: i % 7,
    })),
  );
  return coll;
}

describe('index management', () => {
  it('creates, lists and drops indexes', async () => {
    const coll = rows('mgmt');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    expect(await coll.createIndex({ group: 1, score: -1 })).toBe('group_1_score_-1');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    const listed = await coll.listIndexes().toArray();
    expect(listed).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { email: 1 }, name: 'email_1', unique: true },
      { v: 2, key: { group: 1, score: -1 }, name: 'group_1_score_-1' },
    ]);
    await coll.dropIndex('email_1');
    expect((await coll.indexes()).map((i) => i.name)).toEqual(['_id_', 'group_1_score_-1']);
    await expect(coll.dropIndex('nope')).rejects.toMatchObject({
      code: 27,
      codeName: 'IndexNotFound',
    });
    await expect(coll.dropIndex('_id_')).rejects.toMatchObject({ code: 72 });
  });

  it('refuses an index with the same name and other keys', async () => {
    const coll = rows('conflict');
    await coll.createIndex({ a: 1 }, { name: 'x' });
    await expect(coll.createIndex({ b: 1 }, { name: 'x' })).rejects.toMatchObject({
      code: 86,
      codeName: 'IndexKeySpecsConflict',
    });
    await expect(coll.createIndex({ a: 1 }, { name: 'x', unique: true })).rejects.toMatchObject({
      code: 85,
    });
  });

  it('refuses index kinds it does not implement instead of ignoring them', async () => {
    const coll = rows('kinds');
    await expect(coll.createIndex({ body: 'text' })).rejects.toThrow(
      /not supported by the embedded server/,
    );
    await expect(coll.createIndex({ at: 1 }, { expireAfterSeconds: 60 })).rejects.toThrow(
      /not supported/,
    );
  });
});

describe('unique indexes', () => {
  it('reject a duplicate insert with E11000, keyPattern and keyValue', async () => {
    const coll = rows('uniq');
    await coll.createIndex({ name: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, name: 'x' });
    const err = (await coll
      .insertOne({ _id: 2, name: 'x' })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(11000);
    expect(err.message).toBe(
      `E11000 duplicate key error collection: ${mongo.db.databaseName}.uniq index: name_1 dup key: { name: "x" }`,
    );
    expect(err.keyPattern).toEqual({ name: 1 });
    expect(err.keyValue).toEqual({ name: 'x' });
  });

  it('reject a duplicate _id', async () => {
    const coll = rows('uid');
    await coll.insertOne({ _id: 7 });
    await expect(coll.insertOne({ _id: 7 })).rejects.toMatchObject({
      code: 11000,
      message: `E11000 duplicate key error collection: ${mongo.db.databaseName}.uid index: _id_ dup key: { _id: 7 }`,
      keyValue: { _id: 7 },
    });
  });

  it('are enforced for compound keys', async () => {
    const coll = rows('compound');
    await coll.createIndex({ post: 1, voter: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, post: 'p', voter: 'a' },
      { _id: 2, post: 'p', voter: 'b' },
    ]);
    await expect(coll.insertOne({ _id: 3, post: 'p', voter: 'a' })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { post: 1, voter: 1 },
      keyValue: { post: 'p', voter: 'a' },
    });
  });

  it('are enforced on update, upsert, replace and findAndModify', async () => {
    const coll = rows('paths');
    await coll.createIndex({ slug: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 1, slug: 'a' },
      { _id: 2, slug: 'b' },
    ]);
    await expect(coll.updateOne({ _id: 2 }, { $set: { slug: 'a' } })).rejects.toMatchObject({
      code: 11000,
    });
    await expect(
      coll.updateOne({ _id: 3 }, { $set: { slug: 'a' } }, { upsert: true }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(coll.replaceOne({ _id: 2 }, { slug: 'a' })).rejects.toMatchObject({ code: 11000 });
    await expect(coll.findOneAndUpdate({ _id: 2 }, { $set: { slug: 'a' } })).rejects.toMatchObject({
      code: 11000,
      keyValue: { slug: 'a' },
    });
    expect(await coll.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, slug: 'a' },
      { _id: 2, slug: 'b' },
    ]);
    await coll.updateOne({ _id: 1 }, { $set: { slug: 'c' } });
    await coll.updateOne({ _id: 2 }, { $set: { slug: 'a' } });
    expect(await coll.findOne({ slug: 'a' })).toEqual({ _id: 2, slug: 'a' });
  });

  it('treat a missing field as null, so two documents without it collide', async () => {
    const coll = rows('missing');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ _id: 1 });
    await expect(coll.insertOne({ _id: 2 })).rejects.toMatchObject({
      code: 11000,
      keyValue: { email: null },
    });
  });

  it('allow documents without the field when sparse', async () => {
    const coll = rows('sparse');
    await coll.createIndex({ email: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ _id: 1 }, { _id: 2 }]);
    expect(await coll.countDocuments()).toBe(2);
  });

  it('fail to build over existing duplicates and leave no index behind', async () => {
    const coll = rows('build');
    await coll.insertMany([
      { _id: 1, k: 'x' },
      { _id: 2, k: 'x' },
    ]);
    const err = (await coll
      .createIndex({ k: 1 }, { unique: true })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(err.code).toBe(11000);
    expect(err.message).toMatch(
      /E11000 duplicate key error collection: .*\.build index: k_1 dup key: \{ k: "x" \}/,
    );
    expect((await coll.indexes()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('enforce each element of an array field', async () => {
    const coll = rows('multikey');
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, tags: ['a', 'b'] });
    await expect(coll.insertOne({ _id: 2, tags: ['c', 'b'] })).rejects.toMatchObject({
      code: 11000,
      keyValue: { tags: 'b' },
    });
  });
});

describe('query planning', () => {
  it('finds by _id reading one document', async () => {
    const coll = await seeded('byid', 500);
    const plan = await coll.find({ _id: 321 }).explain('executionStats');
    expect(plan.executionStats.totalDocsExamined).toBe(1);
    expect(plan.executionStats.nReturned).toBe(1);
    expect(plan.queryPlanner.winningPlan.inputStage.indexName).toBe('_id_');
  });

  it('finds by an indexed field reading one document, and scans without the index', async () => {
    const coll = await seeded('byfield', 500);
    const before = await coll.find({ email: 'u250@x' }).explain('executionStats');
    expect(before.executionStats.totalDocsExamined).toBe(500);
    expect(before.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    await coll.createIndex({ email: 1 });
    const after = await coll.find({ email: 'u250@x' }).explain('executionStats');
    expect(after.executionStats.totalDocsExamined).toBe(1);
    expect(await coll.findOne({ email: 'u250@x' })).toMatchObject({ _id: 250 });
  });

  it('reads only the documents of a range on an indexed field', async () => {
    const coll = await seeded('range', 500);
    await coll.createIndex({ score: 1 });
    const plan = await coll.find({ score: { $gte: 10, $lt: 12 } }).explain('executionStats');
    expect(plan.executionStats.totalDocsExamined).toBe(20);
    expect(await coll.countDocuments({ score: { $gte: 10, $lt: 12 } })).toBe(20);
  });

  it('serves a sorted page with a limit from the index', async () => {
    const coll = await seeded('sorted', 500);
    await coll.createIndex({ group: 1, score: -1 });
    const cursor = coll.find({ group: 3 }, { sort: { score: -1 }, limit: 5 });
    const plan = await cursor.explain('executionStats');
    expect(plan.executionStats.totalDocsExamined).toBe(5);
    const page = await coll.find({ group: 3 }, { sort: { score: -1 }, limit: 5 }).toArray();
    const expected = Array.from({ length: 500 }, (_, i) => ({
      _id: i,
      score: i % 50,
      group: i % 7,
    }))
      .filter((d) => d.group === 3)
      .sort((a, b) => b.score - a.score || a._id - b._id)
      .slice(0, 5);
    expect(page.map((d) => [d._id, d.score])).toEqual(expected.map((d) => [d._id, d.score]));
  });

  it('serves a sorted page behind an equality on an array field', async () => {
    const coll = rows('tagged');
    await coll.createIndex({ tags: 1, hidden: 1, at: -1, _id: -1 });
    await coll.insertMany(
      Array.from({ length: 300 }, (_, i) => ({
        _id: i,
        tags: [`t${i % 3}`, 'all'],
        hidden: i % 10 === 0,
        at: i % 50,
      })),
    );
    const query = () =>
      coll.find({ tags: 'all', hidden: false }, { sort: { at: -1, _id: -1 }, limit: 4 });
    const plan = await query().explain('executionStats');
    expect(plan.executionStats.totalDocsExamined).toBe(4);
    expect((await query().toArray()).map((d) => d._id)).toEqual([299, 249, 199, 149]);
  });

  it('walks the index backwards for the opposite sort', async () => {
    const coll = await seeded('backwards', 200);
    const plan = await coll
      .find({}, { sort: { _id: -1 }, skip: 10, limit: 3 })
      .explain('executionStats');
    expect(plan.executionStats.totalDocsExamined).toBe(13);
    expect(
      (await coll.find({}, { sort: { _id: -1 }, skip: 10, limit: 3 }).toArray()).map((d) => d._id),
    ).toEqual([189, 188, 187]);
  });

  it('updates by an indexed field without scanning', async () => {
    const coll = await seeded('upd', 300);
    await coll.createIndex({ email: 1 });
    await coll.updateOne({ email: 'u10@x' }, { $set: { seen: true } });
    const plan = await mongo.db.command({
      explain: { update: 'upd', updates: [{ q: { email: 'u10@x' }, u: { $set: { seen: true } } }] },
      verbosity: 'executionStats',
    });
    expect(plan.executionStats.totalDocsExamined).toBe(1);
    expect(await coll.findOne({ seen: true })).toMatchObject({ _id: 10 });
  });

  it('answers $in through the index', async () => {
    const coll = await seeded('in', 300);
    await coll.createIndex({ email: 1 });
    const plan = await coll
      .find({ email: { $in: ['u1@x', 'u2@x', 'nope'] } })
      .explain('executionStats');
    expect(plan.executionStats.totalDocsExamined).toBe(2);
    expect(
      (await coll.find({ email: { $in: ['u1@x', 'u2@x'] } }).toArray()).map((d) => d._id).sort(),
    ).toEqual([1, 2]);
  });

  it('keeps query results right when indexed values change', async () => {
    const coll = await seeded('moving', 50);
    await coll.createIndex({ score: 1 });
    await coll.updateMany({ score: { $lt: 5 } }, { $inc: { score: 100 } });
    expect(await coll.countDocuments({ score: { $lt: 5 } })).toBe(0);
    expect(await coll.countDocuments({ score: { $gte: 100 } })).toBe(5);
    await coll.deleteMany({ score: { $gte: 100 } });
    expect(await coll.countDocuments({ score: { $gte: 100 } })).toBe(0);
    expect(await coll.countDocuments({})).toBe(45);
  });
});
