/**
 * Where mingo would quietly accept what MongoDB refuses, the server answers with MongoDB's
 * error instead; and what it does not implement fails loudly. Sessions work; transactions
 * get the standalone server's refusal.
 */
import { MongoServerError } from 'mongodb';
import { useMongoHarness, type Row } from './testing/mongo.harness';

const mongo = useMongoHarness('guard');

const rows = (name: string) => mongo.db.collection<Row>(name);

beforeEach(async () => {
  await rows('docs').insertOne({
    _id: 1,
    name: 'str',
    count: 1,
    scalar: 5,
    list: [1, 2],
    obj: { a: 1 },
  });
});

const unchanged = async () =>
  expect(await rows('docs').findOne({ _id: 1 })).toEqual({
    _id: 1,
    name: 'str',
    count: 1,
    scalar: 5,
    list: [1, 2],
    obj: { a: 1 },
  });

describe('update guards', () => {
  it('$inc on a string fails with TypeMismatch (14)', async () => {
    const err = await rows('docs')
      .updateOne({ _id: 1 }, { $inc: { name: 1 } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 14 });
    expect((err as Error).message).toBe(
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'name' of non-numeric type string",
    );
    await unchanged();
  });

  it('$inc with a non-number argument fails with TypeMismatch (14)', async () => {
    await expect(
      rows('docs').updateOne({ _id: 1 }, { $inc: { count: 'x' as never } }),
    ).rejects.toMatchObject({ code: 14 });
    await unchanged();
  });

  it('$mul on a string fails with TypeMismatch (14)', async () => {
    await expect(rows('docs').updateOne({ _id: 1 }, { $mul: { name: 2 } })).rejects.toMatchObject({
      code: 14,
    });
  });

  it('a path through a scalar fails with PathNotViable (28)', async () => {
    const err = await rows('docs')
      .updateOne({ _id: 1 }, { $set: { 'scalar.x': 1 } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 28 });
    expect((err as Error).message).toBe("Cannot create field 'x' in element {scalar: 5}");
    await unchanged();
  });

  it('a named field through an array fails with PathNotViable (28)', async () => {
    await expect(
      rows('docs').updateOne({ _id: 1 }, { $set: { 'list.x': 1 } }),
    ).rejects.toMatchObject({ code: 28 });
    await unchanged();
  });

  it('$push onto a non-array fails with BadValue (2)', async () => {
    await expect(
      rows('docs').updateOne({ _id: 1 }, { $push: { name: 'x' } } as never),
    ).rejects.toMatchObject({ code: 2 });
    await unchanged();
  });

  it('two operators on one path fail with ConflictingUpdateOperators (40)', async () => {
    await expect(
      rows('docs').updateOne({ _id: 1 }, { $set: { count: 5 }, $inc: { count: 1 } }),
    ).rejects.toMatchObject({ code: 40 });
    await unchanged();
  });

  it('an unknown update operator fails with FailedToParse (9)', async () => {
    await expect(
      mongo.db.command({ update: 'docs', updates: [{ q: { _id: 1 }, u: { $frob: { a: 1 } } }] }),
    ).resolves.toMatchObject({
      writeErrors: [{ index: 0, code: 9 }],
    });
  });

  it('an update that would grow a document past 16 MiB fails and leaves it as it was', async () => {
    const big = 'x'.repeat(9 * 1024 * 1024);
    await rows('docs').updateOne({ _id: 1 }, { $set: { a: big } });
    await expect(rows('docs').updateOne({ _id: 1 }, { $set: { b: big } })).rejects.toMatchObject({
      code: 10334,
    });
    const doc = await rows('docs').findOne({ _id: 1 }, { projection: { a: 0 } });
    expect(doc).toEqual({ _id: 1, name: 'str', count: 1, scalar: 5, list: [1, 2], obj: { a: 1 } });
  });

  it('a guard failure stops an ordered bulk at that statement', async () => {
    const err = await rows('docs')
      .bulkWrite([
        { updateOne: { filter: { _id: 1 }, update: { $inc: { count: 1 } } } },
        { updateOne: { filter: { _id: 1 }, update: { $inc: { name: 1 } } } },
        { updateOne: { filter: { _id: 1 }, update: { $inc: { count: 1 } } } },
      ])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 14 });
    expect((await rows('docs').findOne({ _id: 1 }))!.count).toBe(2);
  });
});

describe('query fidelity', () => {
  it('$type knows BSON type names mingo does not', async () => {
    await rows('types').insertMany([
      { _id: 1, v: 1 },
      { _id: 2, v: 1.5 },
      { _id: 3, v: 'x' },
      { _id: 4, v: new Date() },
      { _id: 5, v: [1] },
    ]);
    const ids = async (t: unknown) =>
      (
        await rows('types')
          .find({ v: { $type: t as never } })
          .toArray()
      ).map((d) => d._id);
    expect(await ids('int')).toEqual([1, 5]);
    expect(await ids('double')).toEqual([2]);
    expect(await ids('number')).toEqual([1, 2, 5]);
    expect(await ids('date')).toEqual([4]);
    expect(await ids('array')).toEqual([5]);
    expect(await ids(2)).toEqual([3]);
    const oid = await mongo.db.collection('oids').insertOne({});
    expect(await mongo.db.collection('oids').countDocuments({ _id: { $type: 'objectId' } })).toBe(
      1,
    );
    expect(oid.acknowledged).toBe(true);
  });

  it('comparisons match only values of the same type bracket', async () => {
    await rows('brackets').insertMany([
      { _id: 1, v: 5 },
      { _id: 2, v: 'zzz' },
      { _id: 3, v: null },
      { _id: 4 },
    ]);
    expect(
      (
        await rows('brackets')
          .find({ v: { $gt: 1 } })
          .toArray()
      ).map((d) => d._id),
    ).toEqual([1]);
    expect((await rows('brackets').find({ v: null }).toArray()).map((d) => d._id)).toEqual([3, 4]);
  });

  it('a null equality on a path through an array matches elements without the field', async () => {
    await rows('nulls').insertMany([
      { _id: 1, a: [{ b: 1 }, { c: 1 }] },
      { _id: 2, a: [{ b: 1 }] },
      { _id: 3, a: { b: null } },
      { _id: 4 },
    ]);
    const ids = (await rows('nulls').find({ 'a.b': null }).toArray()).map((d) => d._id);
    expect(ids).toEqual([1, 3, 4]);
  });

  it('$text without a text index fails as on a real server', async () => {
    await expect(
      rows('docs')
        .find({ $text: { $search: 'x' } })
        .toArray(),
    ).rejects.toMatchObject({ code: 27 });
  });
});

describe('unsupported options fail loudly', () => {
  it("refuses 'let' variables instead of ignoring them", async () => {
    await expect(
      rows('docs')
        .find({ $expr: { $eq: ['$count', '$$target'] } }, { let: { target: 1 } })
        .toArray(),
    ).rejects.toThrow(/'let' variables is not supported by the embedded server/);
  });

  it('refuses snapshot reads', async () => {
    const session = mongo.client.startSession({ snapshot: true });
    try {
      await expect(rows('docs').find({}, { session }).toArray()).rejects.toThrow(
        /snapshot read concern is not supported/,
      );
    } finally {
      await session.endSession();
    }
  });
});

describe('sessions and transactions', () => {
  it('runs commands inside an explicit session', async () => {
    const session = mongo.client.startSession();
    try {
      await rows('docs').insertOne({ _id: 2 }, { session });
      expect(await rows('docs').countDocuments({}, { session })).toBe(2);
    } finally {
      await session.endSession();
    }
  });

  it('refuses transactions with IllegalOperation (20) as a standalone does', async () => {
    const session = mongo.client.startSession();
    try {
      const err = await session
        .withTransaction(async () => {
          await rows('docs').insertOne({ _id: 3 }, { session });
        })
        .catch((e: unknown) => e);
      // The driver rewords code 20 from a standalone into advice about retryable writes.
      expect((err as Error).message).toMatch(/does not support retryable writes/);
      const original = (err as MongoServerError).errorResponse
        .originalError as unknown as MongoServerError;
      expect(original).toMatchObject({ code: 20, codeName: 'IllegalOperation' });
      expect(original.message).toBe(
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    } finally {
      await session.endSession();
    }
    expect(await rows('docs').findOne({ _id: 3 })).toBeNull();
  });
});

describe('collections and databases', () => {
  it('creates, lists, renames and drops collections', async () => {
    await mongo.db.createCollection('made');
    await expect(mongo.db.createCollection('made')).rejects.toMatchObject({ code: 48 });
    expect(
      (await mongo.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort(),
    ).toEqual(['docs', 'made']);
    await rows('made').insertOne({ _id: 1 });
    await rows('made').createIndex({ k: 1 }, { unique: true });
    await mongo.db.renameCollection('made', 'renamed');
    expect(await rows('renamed').findOne({ _id: 1 })).toEqual({ _id: 1 });
    expect((await rows('renamed').indexes()).map((i) => i.name)).toEqual(['_id_', 'k_1']);
    expect(await rows('renamed').drop()).toBe(true);
    expect((await mongo.db.listCollections().toArray()).map((c) => c.name)).toEqual(['docs']);
  });

  it('lists and drops databases', async () => {
    const names = (await mongo.client.db().admin().listDatabases()).databases.map((d) => d.name);
    expect(names).toContain(mongo.db.databaseName);
    await mongo.db.dropDatabase();
    const after = (await mongo.client.db().admin().listDatabases()).databases.map((d) => d.name);
    expect(after).not.toContain(mongo.db.databaseName);
  });
});
