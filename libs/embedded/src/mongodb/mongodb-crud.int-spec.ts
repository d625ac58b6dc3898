/**
 * Fidelity of the write and read commands through the real `mongodb` driver: what a caller
 * sees must be what a standalone mongod 7.0 returns.
 */
import { MongoBulkWriteError, MongoServerError, ObjectId } from 'mongodb';
import { useMongoHarness, type Row } from './testing/mongo.harness';

const mongo = useMongoHarness('crud');

const rows = (name: string) => mongo.db.collection<Row>(name);

describe('handshake', () => {
  it('answers ping and reports a standalone 7.0 server', async () => {
    expect(await mongo.db.command({ ping: 1 })).toEqual({ ok: 1 });
    const hello = await mongo.db.admin().command({ hello: 1 });
    expect(hello).toMatchObject({
      isWritablePrimary: true,
      maxWireVersion: 21,
      logicalSessionTimeoutMinutes: 30,
    });
    expect(hello.setName).toBeUndefined();
    expect(hello.topologyVersion).toBeUndefined();
    const info = await mongo.db.admin().command({ buildInfo: 1 });
    expect(info.version).toBe('7.0.0');
  });
});

describe('insert and find', () => {
  it('inserts documents and finds them back with the generated _id', async () => {
    const coll = mongo.db.collection('items');
    const one = await coll.insertOne({ name: 'a', n: 1 });
    expect(one.insertedId).toBeInstanceOf(ObjectId);
    const many = await coll.insertMany([
      { name: 'b', n: 2 },
      { name: 'c', n: 3 },
    ]);
    expect(many.insertedCount).toBe(2);
    const found = await coll.findOne({ _id: one.insertedId });
    expect(found).toEqual({ _id: one.insertedId, name: 'a', n: 1 });
    expect(await coll.find({ n: { $gte: 2 } }).toArray()).toHaveLength(2);
  });

  it('keeps insertion order as natural order and honours sort, skip, limit and projection', async () => {
    const coll = mongo.db.collection<{ _id: number; v: string; k: number }>('page');
    await coll.insertMany([3, 1, 2, 5, 4].map((i) => ({ _id: i, v: `v${i}`, k: i % 2 })));
    expect((await coll.find().toArray()).map((d) => d._id)).toEqual([3, 1, 2, 5, 4]);
    const page = await coll
      .find({}, { sort: { _id: -1 }, skip: 1, limit: 2, projection: { v: 1, _id: 0 } })
      .toArray();
    expect(page).toEqual([{ v: 'v4' }, { v: 'v3' }]);
    const twoKeys = await coll.find({}, { sort: { k: 1, _id: -1 } }).toArray();
    expect(twoKeys.map((d) => d._id)).toEqual([4, 2, 5, 3, 1]);
  });

  it('returns large results through getMore batches', async () => {
    const coll = mongo.db.collection('many');
    await coll.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const cursor = coll.find({}, { batchSize: 40, sort: { i: 1 } });
    const seen: number[] = [];
    for await (const doc of cursor) seen.push(doc.i as number);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('kills a cursor that is closed early', async () => {
    const coll = mongo.db.collection('kill');
    await coll.insertMany(Array.from({ length: 30 }, (_, i) => ({ i })));
    const cursor = coll.find({}, { batchSize: 5 });
    await cursor.next();
    const id = cursor.id!;
    await cursor.close();
    await expect(mongo.db.command({ getMore: id, collection: 'kill' })).rejects.toMatchObject({
      code: 43,
      codeName: 'CursorNotFound',
    });
  });

  it('sorts mixed types in BSON order', async () => {
    const coll = rows('mixed');
    const oid = new ObjectId();
    const date = new Date(0);
    await coll.insertMany([
      { _id: 1, v: true },
      { _id: 2, v: 'str' },
      { _id: 3, v: oid },
      { _id: 4, v: 10 },
      { _id: 5, v: null },
      { _id: 6, v: date },
      { _id: 7, v: { a: 1 } },
      { _id: 8 },
    ]);
    const ids = (await coll.find({}, { sort: { v: 1, _id: 1 } }).toArray()).map((d) => d._id);
    expect(ids).toEqual([5, 8, 4, 2, 7, 3, 1, 6]);
  });
});

describe('updates', () => {
  it('applies the operators the read models use', async () => {
    type Ops = {
      _id: number;
      count: number;
      tags: string[];
      nested: object;
      gone?: boolean;
      lo: number;
      hi: number;
      title?: string;
      set?: string[];
    };
    const coll = mongo.db.collection<Ops>('ops');
    await coll.insertOne({
      _id: 1,
      count: 1,
      tags: ['a'],
      nested: { x: 1 },
      gone: true,
      lo: 5,
      hi: 5,
    });
    const r = await coll.updateOne(
      { _id: 1 },
      {
        $inc: { count: 2 },
        $set: { 'nested.y': 2, title: 't' },
        $unset: { gone: '' },
        $push: { tags: 'b' },
        $addToSet: { set: 'x' },
        $min: { lo: 3 },
        $max: { hi: 9 },
      },
    );
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.findOne({ _id: 1 })).toEqual({
      _id: 1,
      count: 3,
      tags: ['a', 'b'],
      nested: { x: 1, y: 2 },
      lo: 3,
      hi: 9,
      title: 't',
      set: ['x'],
    });
    await coll.updateOne({ _id: 1 }, { $pull: { tags: 'a' }, $rename: { title: 'heading' } });
    expect(await coll.findOne({ _id: 1 }, { projection: { tags: 1, heading: 1 } })).toEqual({
      _id: 1,
      tags: ['b'],
      heading: 't',
    });
  });

  it('reports an unchanged document as matched but not modified', async () => {
    const coll = rows('same');
    await coll.insertOne({ _id: 1, a: 1 });
    expect(await coll.updateOne({ _id: 1 }, { $set: { a: 1 } })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 0,
    });
  });

  it('upserts with $setOnInsert only on insert', async () => {
    const coll = mongo.db.collection('ups');
    const first = await coll.updateOne(
      { key: 'k' },
      { $inc: { n: 1 }, $setOnInsert: { created: 1 } },
      { upsert: true },
    );
    expect(first).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(first.upsertedId).toBeInstanceOf(ObjectId);
    const second = await coll.updateOne(
      { key: 'k' },
      { $inc: { n: 1 }, $setOnInsert: { created: 2 } },
      { upsert: true },
    );
    expect(second).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
      upsertedCount: 0,
      upsertedId: null,
    });
    expect(await coll.findOne({ key: 'k' }, { projection: { _id: 0 } })).toEqual({
      key: 'k',
      n: 2,
      created: 1,
    });
  });

  it('upserts by _id taking the _id from the filter', async () => {
    const coll = mongo.db.collection<{ _id: string; n?: number }>('upsid');
    const r = await coll.updateOne({ _id: 'x' }, { $inc: { n: 5 } }, { upsert: true });
    expect(r.upsertedId).toBe('x');
    expect(await coll.findOne({ _id: 'x' })).toEqual({ _id: 'x', n: 5 });
  });

  it('updates array elements chosen by arrayFilters and by the positional operator', async () => {
    const coll = rows('arr');
    await coll.insertOne({
      _id: 1,
      items: [
        { id: 'a', v: 1 },
        { id: 'b', v: 1 },
        { id: 'c', v: 5 },
      ],
    });
    await coll.updateOne(
      { _id: 1 },
      { $set: { 'items.$[e].v': 9 } },
      { arrayFilters: [{ 'e.v': { $lt: 5 } }] },
    );
    await coll.updateOne({ _id: 1, 'items.id': 'c' }, { $inc: { 'items.$.v': 1 } });
    const doc = await coll.findOne({ _id: 1 });
    expect(doc!.items).toEqual([
      { id: 'a', v: 9 },
      { id: 'b', v: 9 },
      { id: 'c', v: 6 },
    ]);
  });

  it('updates many documents and replaces one keeping its _id', async () => {
    const coll = mongo.db.collection('multi');
    await coll.insertMany([
      { g: 1, v: 0 },
      { g: 1, v: 0 },
      { g: 2, v: 0 },
    ]);
    expect(await coll.updateMany({ g: 1 }, { $set: { v: 1 } })).toMatchObject({
      matchedCount: 2,
      modifiedCount: 2,
    });
    const target = await coll.findOne({ g: 2 });
    const r = await coll.replaceOne({ g: 2 }, { replaced: true });
    expect(r).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.findOne({ _id: target!._id })).toEqual({ _id: target!._id, replaced: true });
  });

  it('runs pipeline-style updates', async () => {
    const coll = rows('pipe');
    await coll.insertOne({ _id: 1, a: 2, b: 3 });
    await coll.updateOne({ _id: 1 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'b' }]);
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, a: 2, sum: 5 });
  });

  it('refuses to change _id', async () => {
    const coll = rows('immutable');
    await coll.insertOne({ _id: 1, a: 1 });
    await expect(coll.updateOne({ _id: 1 }, { $set: { _id: 2 } })).rejects.toMatchObject({
      code: 66,
    });
    await expect(coll.replaceOne({ _id: 1 }, { _id: 3, a: 2 })).rejects.toMatchObject({ code: 66 });
  });
});

describe('deletes and findAndModify', () => {
  it('deletes one and many', async () => {
    const coll = mongo.db.collection('del');
    await coll.insertMany([{ g: 1 }, { g: 1 }, { g: 1 }, { g: 2 }]);
    expect((await coll.deleteOne({ g: 1 })).deletedCount).toBe(1);
    expect((await coll.deleteMany({ g: 1 })).deletedCount).toBe(2);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('findOneAndUpdate returns the document before or after, and upserts', async () => {
    const coll = rows('fam');
    await coll.insertMany([
      { _id: 1, v: 1, q: 'x' },
      { _id: 2, v: 2, q: 'x' },
    ]);
    const before = await coll.findOneAndUpdate(
      { q: 'x' },
      { $inc: { v: 10 } },
      { sort: { v: -1 } },
    );
    expect(before).toEqual({ _id: 2, v: 2, q: 'x' });
    const after = await coll.findOneAndUpdate(
      { _id: 1 },
      { $inc: { v: 10 } },
      { returnDocument: 'after', projection: { v: 1 } },
    );
    expect(after).toEqual({ _id: 1, v: 11 });
    const up = await coll.findOneAndUpdate(
      { _id: 3 },
      { $set: { v: 3 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(up.value).toEqual({ _id: 3, v: 3 });
    expect(up.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 3 });
    expect(await coll.findOneAndUpdate({ _id: 99 }, { $set: { v: 1 } })).toBeNull();
  });

  it('findOneAndDelete and findOneAndReplace', async () => {
    const coll = rows('famd');
    await coll.insertMany([
      { _id: 1, v: 1 },
      { _id: 2, v: 2 },
    ]);
    expect(await coll.findOneAndDelete({ v: { $gt: 1 } })).toEqual({ _id: 2, v: 2 });
    expect(await coll.countDocuments()).toBe(1);
    expect(await coll.findOneAndReplace({ _id: 1 }, { w: 1 }, { returnDocument: 'after' })).toEqual(
      { _id: 1, w: 1 },
    );
  });
});

describe('bulkWrite', () => {
  it('counts every kind of operation', async () => {
    const coll = rows('bulk');
    await coll.insertOne({ _id: 1, v: 0 });
    const r = await coll.bulkWrite([
      { insertOne: { document: { _id: 2, v: 0 } } },
      { updateOne: { filter: { _id: 1 }, update: { $inc: { v: 1 } } } },
      { updateOne: { filter: { _id: 3 }, update: { $inc: { v: 1 } }, upsert: true } },
      { updateMany: { filter: {}, update: { $set: { t: true } } } },
      { replaceOne: { filter: { _id: 2 }, replacement: { v: 7 } } },
      { deleteOne: { filter: { _id: 3 } } },
    ]);
    expect(r.insertedCount).toBe(1);
    expect(r.matchedCount).toBe(1 + 3 + 1);
    expect(r.modifiedCount).toBe(1 + 3 + 1);
    expect(r.upsertedCount).toBe(1);
    expect(r.upsertedIds).toEqual({ 2: 3 });
    expect(r.deletedCount).toBe(1);
  });

  it('stops an ordered bulk at the first duplicate', async () => {
    const coll = rows('bulko');
    const err = await coll
      .bulkWrite([
        { insertOne: { document: { _id: 1 } } },
        { insertOne: { document: { _id: 1 } } },
        { insertOne: { document: { _id: 2 } } },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    const bulk = err as MongoBulkWriteError;
    expect(bulk.code).toBe(11000);
    expect(bulk.result.insertedCount).toBe(1);
    expect(bulk.writeErrors).toHaveLength(1);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('continues an unordered bulk past a duplicate', async () => {
    const coll = rows('bulku');
    const err = (await coll
      .bulkWrite(
        [
          { insertOne: { document: { _id: 1 } } },
          { insertOne: { document: { _id: 1 } } },
          { insertOne: { document: { _id: 2 } } },
        ],
        { ordered: false },
      )
      .catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(err.result.insertedCount).toBe(2);
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    expect(writeErrors[0].index).toBe(1);
    expect(await coll.countDocuments()).toBe(2);
  });
});

describe('guarded replaces, as the read models write', () => {
  it('a stale replace becomes a duplicate key error and the others in an unordered bulk apply', async () => {
    const coll = rows('guarded');
    await coll.insertMany([
      { _id: 1, pos: 5, v: 'a' },
      { _id: 2, pos: 1, v: 'b' },
    ]);
    const err = (await coll
      .bulkWrite(
        [
          {
            replaceOne: {
              filter: { _id: 1, pos: { $lt: 3 } },
              replacement: { _id: 1, pos: 3, v: 'stale' },
              upsert: true,
            },
          },
          {
            replaceOne: {
              filter: { _id: 2, pos: { $lt: 4 } },
              replacement: { _id: 2, pos: 4, v: 'fresh' },
              upsert: true,
            },
          },
          {
            replaceOne: {
              filter: { _id: 3, pos: { $lt: 1 } },
              replacement: { _id: 3, pos: 1, v: 'new' },
              upsert: true,
            },
          },
        ],
        { ordered: false },
      )
      .catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
    expect(writeErrors.map((e) => [e.index, e.code])).toEqual([[0, 11000]]);
    expect(err.result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 1 });
    expect(await coll.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, pos: 5, v: 'a' },
      { _id: 2, pos: 4, v: 'fresh' },
      { _id: 3, pos: 1, v: 'new' },
    ]);
  });
});

describe('counting and distinct', () => {
  it('countDocuments, estimatedDocumentCount and distinct', async () => {
    const coll = mongo.db.collection('cnt');
    await coll.insertMany([
      { t: ['a', 'b'], g: 1 },
      { t: ['b'], g: 2 },
      { t: 'c', g: 2 },
    ]);
    expect(await coll.countDocuments({ g: 2 })).toBe(2);
    expect(await coll.countDocuments({}, { skip: 1, limit: 1 })).toBe(1);
    expect(await coll.estimatedDocumentCount()).toBe(3);
    expect(await coll.distinct('t')).toEqual(['a', 'b', 'c']);
    expect(await coll.distinct('g', { t: 'b' })).toEqual([1, 2]);
  });
});

describe('errors from the server', () => {
  it('are MongoServerErrors', async () => {
    const err = await mongo.db.command({ noSuchCommand: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
  });
});

describe('projections', () => {
  it('project the array element the filter matched with the positional operator', async () => {
    const coll = rows('positional');
    await coll.insertOne({
      _id: 1,
      grades: [
        { g: 'a', v: 1 },
        { g: 'b', v: 2 },
      ],
      name: 'n',
    });
    const doc = await coll.findOne({ 'grades.g': 'b' }, { projection: { 'grades.$': 1 } });
    expect(doc).toEqual({ _id: 1, grades: [{ g: 'b', v: 2 }] });
    const sliced = await coll.findOne({ _id: 1 }, { projection: { grades: { $slice: -1 } } });
    expect(sliced).toEqual({ _id: 1, grades: [{ g: 'b', v: 2 }], name: 'n' });
    const slicedWithout = await coll.findOne(
      { _id: 1 },
      { projection: { grades: { $slice: 1 }, name: 0 } },
    );
    expect(slicedWithout).toEqual({ _id: 1, grades: [{ g: 'a', v: 1 }] });
    const included = await coll.findOne(
      { _id: 1 },
      { projection: { grades: { $slice: [1, 1] }, name: 1 } },
    );
    expect(included).toEqual({ _id: 1, grades: [{ g: 'b', v: 2 }], name: 'n' });
  });
});
