/**
 * Cases written from MongoDB's public CRUD specification tests (mongodb/specifications,
 * source/crud/tests/unified): the same initial data, operations and expected outcomes,
 * run through the real driver against this server.
 */
import { useMongoHarness, type Row } from './testing/mongo.harness';

const mongo = useMongoHarness('spec');

const coll = () => mongo.db.collection<Row<number | null>>('coll');
const contents = () =>
  coll()
    .find({}, { sort: { _id: 1 } })
    .toArray();

beforeEach(async () => {
  await coll().insertMany([
    { _id: 1, x: 11 },
    { _id: 2, x: 22 },
  ]);
});

describe('bulkWrite.yml', () => {
  it('BulkWrite with updateOne operations', async () => {
    const r = await coll().bulkWrite(
      [
        { updateOne: { filter: { _id: 0 }, update: { $set: { x: 0 } } } },
        { updateOne: { filter: { _id: 1 }, update: { $set: { x: 11 } } } },
        { updateOne: { filter: { _id: 2 }, update: { $inc: { x: 1 } } } },
        { updateOne: { filter: { _id: 3 }, update: { $set: { x: 33 } }, upsert: true } },
      ],
      { ordered: true },
    );
    expect(r).toMatchObject({
      deletedCount: 0,
      insertedCount: 0,
      matchedCount: 2,
      modifiedCount: 1,
      upsertedCount: 1,
      upsertedIds: { 3: 3 },
    });
    expect(await contents()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 23 },
      { _id: 3, x: 33 },
    ]);
  });

  it('BulkWrite with updateMany operations', async () => {
    const r = await coll().bulkWrite([
      { updateMany: { filter: { x: { $lt: 11 } }, update: { $set: { x: 0 } } } },
      { updateMany: { filter: { x: { $lte: 22 } }, update: { $unset: { y: 1 } } } },
      { updateMany: { filter: { x: { $lte: 22 } }, update: { $inc: { x: 1 } } } },
      { updateMany: { filter: { _id: 3 }, update: { $set: { x: 33 } }, upsert: true } },
    ]);
    expect(r).toMatchObject({
      matchedCount: 4,
      modifiedCount: 2,
      upsertedCount: 1,
      upsertedIds: { 3: 3 },
    });
    expect(await contents()).toEqual([
      { _id: 1, x: 12 },
      { _id: 2, x: 23 },
      { _id: 3, x: 33 },
    ]);
  });

  it('BulkWrite with replaceOne operations', async () => {
    const r = await coll().bulkWrite([
      { replaceOne: { filter: { _id: 3 }, replacement: { x: 33 } } },
      { replaceOne: { filter: { _id: 1 }, replacement: { x: 12 } } },
      { replaceOne: { filter: { _id: 3 }, replacement: { x: 33 }, upsert: true } },
    ]);
    expect(r).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 1,
      upsertedIds: { 2: 3 },
    });
    expect(await contents()).toEqual([
      { _id: 1, x: 12 },
      { _id: 2, x: 22 },
      { _id: 3, x: 33 },
    ]);
  });

  it('BulkWrite with mixed ordered operations', async () => {
    const r = await coll().bulkWrite([
      { insertOne: { document: { _id: 3, x: 33 } } },
      { updateOne: { filter: { _id: 2 }, update: { $inc: { x: 1 } } } },
      { updateMany: { filter: { _id: { $gt: 1 } }, update: { $inc: { x: 1 } } } },
      { insertOne: { document: { _id: 4, x: 44 } } },
      { deleteMany: { filter: { x: { $nin: [24, 34] } } } },
      { replaceOne: { filter: { _id: 4 }, replacement: { _id: 4, x: 44 }, upsert: true } },
    ]);
    expect(r).toMatchObject({
      deletedCount: 2,
      insertedCount: 2,
      matchedCount: 3,
      modifiedCount: 3,
      upsertedCount: 1,
      upsertedIds: { 5: 4 },
    });
    expect(await contents()).toEqual([
      { _id: 2, x: 24 },
      { _id: 3, x: 34 },
      { _id: 4, x: 44 },
    ]);
  });

  it('BulkWrite continue-on-error behavior with unordered (preexisting duplicate key)', async () => {
    const err = await coll()
      .bulkWrite(
        [
          { insertOne: { document: { _id: 2, x: 22 } } },
          { insertOne: { document: { _id: 3, x: 33 } } },
          { insertOne: { document: { _id: 4, x: 44 } } },
        ],
        { ordered: false },
      )
      .catch((e: { result: unknown }) => e);
    expect((err as { result: unknown }).result).toMatchObject({
      insertedCount: 2,
      matchedCount: 0,
      upsertedCount: 0,
    });
    expect(await contents()).toEqual([
      { _id: 1, x: 11 },
      { _id: 2, x: 22 },
      { _id: 3, x: 33 },
      { _id: 4, x: 44 },
    ]);
  });
});

describe('find.yml', () => {
  it('find with multiple batches works', async () => {
    await coll().insertMany([3, 4, 5, 6, 7, 8].map((i) => ({ _id: i, x: i * 11 })));
    const docs = await coll()
      .find({ _id: { $gt: 1 } }, { batchSize: 2 })
      .toArray();
    expect(docs).toEqual([2, 3, 4, 5, 6, 7, 8].map((i) => ({ _id: i, x: i * 11 })));
  });
});

describe('create-null-ids.yml', () => {
  it('inserting _id with type null via the insert command', async () => {
    // The Node driver's insertOne replaces a null _id with an ObjectId before sending, so the
    // server's side of this case is exercised with the command itself.
    await coll().drop();
    await mongo.db.command({ insert: 'coll', documents: [{ _id: null }] });
    expect(await contents()).toEqual([{ _id: null }]);
  });

  it('inserting _id with type null via updateOne', async () => {
    await coll().drop();
    await coll().updateOne({ _id: null }, { $unset: { a: '' } }, { upsert: true });
    expect(await contents()).toEqual([{ _id: null }]);
  });

  it('inserting _id with type null via replaceOne', async () => {
    await coll().drop();
    await coll().replaceOne({}, { _id: null }, { upsert: true });
    expect(await contents()).toEqual([{ _id: null }]);
  });
});

describe('updateWithPipelines.yml', () => {
  beforeEach(async () => {
    await coll().drop();
    await coll().insertMany([
      { _id: 1, x: 1, y: 1, t: { u: { v: 1 } } },
      { _id: 2, x: 2, y: 1 },
    ]);
  });

  it('UpdateOne using pipelines', async () => {
    const r = await coll().updateOne({ _id: 1 }, [
      { $replaceRoot: { newRoot: '$t' } },
      { $addFields: { foo: 1 } },
    ]);
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await contents()).toEqual([
      { _id: 1, u: { v: 1 }, foo: 1 },
      { _id: 2, x: 2, y: 1 },
    ]);
  });

  it('UpdateMany using pipelines', async () => {
    const r = await coll().updateMany({}, [{ $project: { x: 1 } }, { $addFields: { foo: 1 } }]);
    expect(r).toMatchObject({ matchedCount: 2, modifiedCount: 2, upsertedCount: 0 });
    expect(await contents()).toEqual([
      { _id: 1, x: 1, foo: 1 },
      { _id: 2, x: 2, foo: 1 },
    ]);
  });

  it('FindOneAndUpdate using pipelines', async () => {
    await coll().findOneAndUpdate({ _id: 1 }, [{ $project: { x: 1 } }, { $addFields: { foo: 1 } }]);
    expect(await contents()).toEqual([
      { _id: 1, x: 1, foo: 1 },
      { _id: 2, x: 2, y: 1 },
    ]);
  });
});
