import { ObjectId } from 'bson';
import { applyOperators, applyPipeline, upsertDocument } from './update.engine';
import { MongoCommandError } from './mongo.errors';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as MongoCommandError).code;
  }
  return undefined;
};

describe('operator updates', () => {
  it('set nested fields, creating levels, without touching the original', () => {
    const original = { _id: 1, a: { b: 1 } };
    const r = applyOperators(original, { $set: { 'a.c': 2, 'x.y.z': 3 } }, {});
    expect(r).toEqual({ doc: { _id: 1, a: { b: 1, c: 2 }, x: { y: { z: 3 } } }, changed: true });
    expect(original).toEqual({ _id: 1, a: { b: 1 } });
  });

  it('report no change when values are already there', () => {
    const id = new ObjectId();
    const original = { _id: 1, a: 1, o: { k: [1, 2] }, id };
    const r = applyOperators(
      original,
      {
        $set: { a: 1, o: { k: [1, 2] }, id: new ObjectId(id.toHexString()) },
        $unset: { missing: '' },
      },
      {},
    );
    expect(r.changed).toBe(false);
    expect(r.doc).toBe(original);
  });

  it('increment missing fields from zero and unset present ones', () => {
    const r = applyOperators(
      { _id: 1, gone: true },
      { $inc: { n: 2, 'deep.m': -1 }, $unset: { gone: '' } },
      {},
    );
    expect(r.doc).toEqual({ _id: 1, n: 2, deep: { m: -1 } });
  });

  it('update array elements through mingo', () => {
    const r = applyOperators(
      { _id: 1, list: [{ v: 1 }, { v: 2 }] },
      { $set: { 'list.1.v': 5 }, $push: { more: 1 } },
      {},
    );
    expect(r.doc).toEqual({ _id: 1, list: [{ v: 1 }, { v: 5 }], more: [1] });
  });

  it('refuse what MongoDB refuses', () => {
    expect(codeOf(() => applyOperators({ _id: 1, s: 'x' }, { $inc: { s: 1 } }, {}))).toBe(14);
    expect(codeOf(() => applyOperators({ _id: 1, s: 5 }, { $set: { 's.t': 1 } }, {}))).toBe(28);
    expect(codeOf(() => applyOperators({ _id: 1, s: [1] }, { $set: { 's.t': 1 } }, {}))).toBe(28);
    expect(
      codeOf(() => applyOperators({ _id: 1 }, { $set: { a: 1 }, $unset: { 'a.b': 1 } }, {})),
    ).toBe(40);
    expect(codeOf(() => applyOperators({ _id: 1 }, { $set: { _id: 2 } }, {}))).toBe(66);
  });
});

describe('upserts', () => {
  it('seed the new document from the equality fields of the query', () => {
    const doc = upsertDocument(
      { 'a.b': 1, c: { $eq: 2 }, d: { $gt: 3 }, $and: [{ e: 4 }] },
      { $set: { f: 5 }, $setOnInsert: { g: 6 } },
    );
    expect(doc).toMatchObject({ a: { b: 1 }, c: 2, e: 4, f: 5, g: 6 });
    expect(Object.keys(doc)[0]).toBe('_id');
    expect(doc._id).toBeInstanceOf(ObjectId);
    expect(doc.d).toBeUndefined();
  });
});

describe('pipeline updates', () => {
  it('keep _id when a stage drops it', () => {
    expect(
      applyPipeline({ _id: 1, t: { u: 1 } }, [{ $replaceRoot: { newRoot: '$t' } }]).doc,
    ).toEqual({ _id: 1, u: 1 });
  });
});
