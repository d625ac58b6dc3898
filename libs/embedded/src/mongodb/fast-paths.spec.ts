/**
 * The fast paths give what the general paths give: simple projections against mingo's
 * projection, `_id` lookups against the _id index plan and a collection scan, and filters
 * built from the captured compute options against filters built by mingo's own `Query`.
 */
import { Query } from 'mingo';
import { Long, ObjectId } from 'bson';
import { keyString } from './bson.order';
import { Collection } from './collection.store';
import type { Doc } from './collection.index';
import { compileFilter, compileMatcher, queryOptions } from './query.matcher';
import { compileSimpleFilter } from './simple.filter';
import { compileSimpleProjection } from './simple.projection';
import { applyOperators, cloneDoc } from './update.engine';

const DOCS: Doc[] = [
  { _id: 1, a: 1, b: { c: 1, d: 2 }, c: [{ x: 1, y: 2 }, 3, { y: 1 }], d: 's', e: { f: { g: 1 } } },
  { _id: 'two', title: 't', body: 'b', author: { id: 'u', name: 'n' }, tags: ['x', 'y'] },
  { _id: new ObjectId('0123456789abcdef01234567'), a: null, b: [], e: { f: 3 }, when: new Date(5) },
  { _id: 4, b: { c: { d: 1 } }, c: [], d: { x: 1 }, n: Long.fromNumber(7) },
  { _id: 5 },
  { _id: 6, a: [1, 2], e: [{ f: { g: 1, h: 2 } }, { f: [] }, { g: 1 }] },
];

const PROJECTIONS: Doc[] = [
  { a: 1 },
  { d: 1, a: 1 },
  { a: 1, _id: 0 },
  { a: true, _id: false },
  { 'b.c': 1 },
  { 'b.d': 1, a: 1 },
  { 'c.x': 1 },
  { 'd.x': 1 },
  { 'e.f.g': 1, _id: 0 },
  { 'e.z': 1 },
  { zz: 1 },
  { _id: 1 },
  { _id: 0 },
  { a: 0 },
  { 'c.x': 0 },
  { 'b.c': 0, a: 0 },
  { 'e.f.g': 0 },
  { a: 0, _id: 0 },
  { title: 1, body: 1, author: 1, tags: 1 },
];

function mingoProject(doc: Doc, projection: Doc): Doc {
  return new Query({}, queryOptions()).find([cloneDoc(doc)], projection).all()[0] as Doc;
}

describe('simple projections', () => {
  it.each(PROJECTIONS.map((p) => [JSON.stringify(p), p]))(
    '%s gives what the general path gives',
    (_name, projection) => {
      const project = compileSimpleProjection(projection as Doc)!;
      expect(project).toBeDefined();
      for (const doc of DOCS) {
        const before = keyString(doc);
        const fast = project(doc);
        expect(fast).toEqual(mingoProject(doc, projection as Doc));
        expect(keyString(doc)).toBe(before);
      }
    },
  );

  it("keep the document's field order, _id first, as mongod does", () => {
    const project = compileSimpleProjection({ d: 1, a: 1, 'b.d': 1 })!;
    expect(Object.keys(project(DOCS[0])!)).toEqual(['_id', 'a', 'b', 'd']);
    const exclude = compileSimpleProjection({ b: 0 })!;
    expect(Object.keys(exclude(DOCS[0])!)).toEqual(['_id', 'a', 'c', 'd', 'e']);
  });

  it('decline a document with an array inside an array on a projected path', () => {
    const doc = { _id: 1, c: [[{ x: 1 }], { x: 2 }] };
    expect(compileSimpleProjection({ 'c.x': 1 })!(doc)).toBeUndefined();
    expect(compileSimpleProjection({ 'c.x': 0 })!(doc)).toBeUndefined();
    expect(compileSimpleProjection({ c: 1 })!(doc)).toEqual(doc);
  });

  it.each([
    [{ a: 1, b: 0 }],
    [{ _id: 1, a: 0 }],
    [{ a: 1, 'a.b': 1 }],
    [{ 'a.b': 1, a: 1 }],
    [{ 'a.$': 1 }],
    [{ a: { $slice: 1 } }],
    [{ a: { $elemMatch: { x: 1 } } }],
    [{ a: '$b' }],
    [{ a: 2 }],
    [{ '_id.x': 1 }],
    [{ 'a..b': 1 }],
    [{}],
  ])('leave %j to the general path', (projection) => {
    expect(compileSimpleProjection(projection as Doc)).toBeUndefined();
  });
});

describe('lookups by _id', () => {
  const coll = new Collection('db', 'c');
  for (const doc of DOCS) coll.insert(cloneDoc(doc));
  coll.insert({ _id: 10, pos: 3 });
  coll.insert({ _id: 11.5, pos: 9 });

  const filters: Doc[] = [
    { _id: 1 },
    { _id: 'two' },
    { _id: 99 },
    { _id: new ObjectId('0123456789abcdef01234567') },
    { _id: 10 },
    { _id: { $in: [4, 'two', 1, 99, 4, 1.0, Long.fromNumber(1)] } },
    { _id: { $in: [10, 11.5, 5] }, pos: { $lt: 5 } },
    { _id: 10, pos: { $lt: 5 } },
    { _id: 10, pos: { $lt: 2 } },
    { _id: 4, 'b.c.d': 1 },
    { _id: 6, a: 2 },
    { _id: { $in: [6, 1] }, $or: [{ a: 2 }, { d: 's' }] },
  ];

  it.each(filters.map((f) => [JSON.stringify(f), f]))(
    '%s gives what the index plan and a scan give',
    (_name, filter) => {
      const ids = (r: { docs: Doc[] }) => r.docs.map((d) => keyString(d._id));
      const fast = coll.find(filter as Doc);
      const indexed = coll.find(filter as Doc, { hint: { _id: 1 } });
      const scanned = coll.find(filter as Doc, { hint: { $natural: 1 } });
      expect(ids(fast)).toEqual(ids(indexed));
      expect([...ids(fast)].sort()).toEqual([...ids(scanned)].sort());
      expect(fast.docs.every((d, i) => d === indexed.docs[i])).toBe(true);
      expect(fast.docsExamined).toBe(indexed.docsExamined);
      for (const limit of [1, 2]) {
        expect(ids(coll.find(filter as Doc, { limit }))).toEqual(
          ids(coll.find(filter as Doc, { limit, hint: { _id: 1 } })),
        );
      }
    },
  );

  it('match a long _id to an equal number, as the index plan does (mingo alone would not)', () => {
    const fast = coll.find({ _id: Long.fromNumber(10) });
    expect(fast.docs.map((d) => d._id)).toEqual([10]);
    expect(coll.find({ _id: Long.fromNumber(10) }, { hint: { _id: 1 } }).docs).toEqual(fast.docs);
  });
});

describe('compiled filters', () => {
  // Filters compileFilter passes to mingo unchanged (no `$type`, no dotted null).
  const filters: Doc[] = [
    { a: 1 },
    { a: { $in: [1, null] } },
    { 'b.c': { $exists: true } },
    { $or: [{ d: 's' }, { 'e.f': { $gte: 3 } }] },
    { c: { $elemMatch: { x: 1 } } },
    { _id: { $in: [1, 'two', 5] }, b: { $ne: null } },
    { $nor: [{ a: 1 }, { _id: 5 }] },
  ];

  it.each(filters.map((f) => [JSON.stringify(f), f]))(
    '%s matches what a filter built by mingo matches',
    (_name, filter) => {
      const compiled = compileFilter(filter);
      const reference = new Query(filter as Doc, queryOptions());
      const matched = DOCS.filter((d) => compiled.test(d));
      expect(matched).toEqual(DOCS.filter((d) => reference.test(d)));
    },
  );

  it('keep MongoDB type names, dotted nulls and refusals', () => {
    const ids = (f: Doc) =>
      DOCS.filter((d) => compileFilter(f).test(d)).map((d) => keyString(d._id));
    const oid = keyString(DOCS[2]._id);
    expect(ids({ _id: { $type: 'objectId' } })).toEqual([oid]);
    expect(ids({ n: { $type: 'long' } })).toEqual(['n4']);
    expect(ids({ $expr: { $eq: [{ $type: '$_id' }, 'objectId'] } })).toEqual([oid]);
    expect(ids({ 'e.f': null })).toEqual(['stwo', 'n4', 'n5', 'n6']);
    expect(() => compileFilter({ $text: { $search: 'x' } })).toThrow('text index required');
  });
});

describe('simple filters', () => {
  const docs: Doc[] = [
    { _id: 'a', pos: 1, s: 'abc', b: true, d: new Date(10) },
    { _id: 'b', pos: 5.5, s: 'abd', b: false, d: new Date(20) },
    { _id: 'c', pos: [1, 9], s: ['x', 'abc'], b: [false], d: [new Date(5), new Date(30)] },
    { _id: 'd', pos: '3', s: 3, b: 0, d: 20 },
    { _id: 'e' },
    { _id: 'f', pos: null, s: null, b: null, d: null },
    { _id: 'g', pos: [], s: [], b: [], d: [] },
    { _id: 'h', pos: -2, s: '', b: true, d: new Date(-1) },
  ];
  const filters: Doc[] = [
    { pos: 1 },
    { pos: { $lt: 5 } },
    { pos: { $lte: 5.5 } },
    { pos: { $gt: 1, $lt: 9 } },
    { pos: { $gte: 9 } },
    { pos: { $ne: 1 } },
    { pos: { $eq: '3' } },
    { _id: 'a', pos: { $lt: 2 } },
    { _id: { $ne: 'a' }, s: { $gt: 'abc' } },
    { s: 'abc' },
    { s: { $lt: 'abd' } },
    { s: { $ne: 'abc' } },
    { b: true },
    { b: { $lt: true } },
    { b: { $ne: false } },
    { d: new Date(20) },
    { d: { $gt: new Date(10) } },
    { d: { $lte: new Date(5) }, pos: { $gte: 1 } },
  ];

  it.each(filters.map((f) => [JSON.stringify(f), f]))(
    '%s matches what the general matcher matches',
    (_name, filter) => {
      const simple = compileSimpleFilter(filter as Doc)!;
      expect(simple).toBeDefined();
      const general = compileFilter(filter);
      for (const doc of docs) {
        const fast = simple(doc);
        if (fast !== undefined) expect([doc._id, fast]).toEqual([doc._id, general.test(doc)]);
      }
      const matcher = compileMatcher(filter as Doc);
      expect(docs.filter((d) => matcher(d))).toEqual(docs.filter((d) => general.test(d)));
    },
  );

  it('decline documents holding other types in a tested field', () => {
    const simple = compileSimpleFilter({ pos: { $lt: 5 } })!;
    expect(simple({ _id: 1, pos: Long.fromNumber(3) })).toBeUndefined();
    expect(simple({ _id: 1, pos: [{ x: 1 }] })).toBeUndefined();
    expect(simple({ _id: 1, pos: [[1]] })).toBeUndefined();
  });

  it.each([
    [{ pos: null }],
    [{ 'a.b': 1 }],
    [{ $or: [{ a: 1 }] }],
    [{ a: { $in: [1] } }],
    [{ a: { $exists: true } }],
    [{ a: /x/ }],
    [{ a: { b: 1 } }],
    [{ a: NaN }],
    [{ a: Long.fromNumber(1) }],
    [{ a: new ObjectId() }],
    [{ a: {} }],
  ])('leave %j to the general matcher', (filter) => {
    expect(compileSimpleFilter(filter as Doc)).toBeUndefined();
  });
});

describe('operator updates copy only what they change', () => {
  const original = (): Doc => ({
    _id: 1,
    n: 1,
    a: { b: { c: 1 }, list: [1, 2, { x: 1 }] },
    tags: ['x'],
    other: { deep: { v: [1] } },
  });
  const updates: Doc[] = [
    { $set: { 'a.b.c': 2, 'a.new': 1 } },
    { $set: { 'a.list.2.x': 5 } },
    { $inc: { n: 2, 'a.b.c': 1 } },
    { $unset: { 'a.b': '' } },
    { $rename: { 'a.b': 'moved.b' } },
    { $push: { tags: 'y', 'a.list': 3 } },
    { $addToSet: { tags: 'z' } },
    { $pop: { 'a.list': 1 } },
    { $currentDate: { 'a.when': true } },
    { $min: { 'a.b.c': 0 }, $max: { n: 9 } },
    { $set: { 'a.list.x': 1 } },
  ];

  it.each(updates.map((u) => [JSON.stringify(u), u]))(
    '%s leaves the stored document as it was',
    (_name, u) => {
      const stored = original();
      const before = keyString(stored);
      let result: Doc | undefined;
      try {
        result = applyOperators(stored, u as Doc, {}).doc;
      } catch {
        // refused updates must not change anything either
      }
      expect(keyString(stored)).toBe(before);
      if (result && !JSON.stringify(u).includes('other')) expect(result.other).toBe(stored.other);
    },
  );
});

describe('index upkeep on update', () => {
  it('re-keys the indexes whose fields changed and keeps the others', () => {
    const coll = new Collection('db', 'ix');
    coll.addIndex({ name: 'ab', key: { 'a.b': 1 } });
    coll.addIndex({ name: 'n', key: { n: 1 } });
    coll.insert({ _id: 1, n: 1, a: { b: 1, c: 1 } });
    coll.insert({ _id: 2, n: 2, a: { b: 2, c: 2 } });
    const update = (id: number, u: Doc) => {
      const rec = coll.getById(id)!;
      const r = applyOperators(rec.doc, u, {});
      if (r.changed) coll.replace(rec, r.doc);
    };
    update(1, { $set: { 'a.b': 5 } });
    update(2, { $set: { n: 7, 'a.c': 9 } });
    const ids = (filter: Doc, hint: string) => coll.find(filter, { hint }).docs.map((d) => d._id);
    expect(ids({ 'a.b': 5 }, 'ab')).toEqual([1]);
    expect(ids({ 'a.b': 1 }, 'ab')).toEqual([]);
    expect(ids({ 'a.b': 2 }, 'ab')).toEqual([2]);
    expect(ids({ n: 7 }, 'n')).toEqual([2]);
    expect(ids({ n: 2 }, 'n')).toEqual([]);
    expect(ids({ n: 1 }, 'n')).toEqual([1]);
  });
});

describe('index bounds from encoded keys', () => {
  const coll = new Collection('db', 'bounds');
  coll.addIndex({ name: 'q', key: { q: 1, t: 1 } });
  coll.addIndex({ name: 'qd', key: { q: -1, t: -1 } });
  coll.addIndex({ name: 's', key: { s: -1 } });
  const qs = ['a', 'ab', 'b', '', 'é', '\ud83d\ude00', 1, 1.5, -2, Long.fromNumber(7), null, true];
  let n = 0;
  for (const q of qs)
    for (const t of [new Date(5), 3, 'x', undefined]) {
      const doc: Doc = { _id: n++, q, s: typeof q === 'string' ? q + 'z' : q };
      if (t !== undefined) doc.t = t;
      coll.insert(doc);
    }
  coll.insert({ _id: n, t: 3 });

  const filters: Doc[] = [
    ...qs.map((q) => ({ q })),
    { q: 'a', t: 3 },
    { q: 1, t: new Date(5) },
    { q: 'ab', t: { $gt: 'a' } },
    { q: { $in: ['b', 1, null] } },
    { q: 'a', t: { $lte: new Date(5) } },
    { q: { $gte: 'a', $lt: 'b' } },
    { s: 'az' },
    { s: { $gt: 'az' } },
    { q: null },
  ];
  coll.insert({ _id: 'long-one', q: Long.fromNumber(1), t: 3 });

  it.each(filters.map((f) => [JSON.stringify(f), f]))(
    '%s finds what a collection scan finds, through every index',
    (_name, filter) => {
      const ids = (docs: Doc[]) =>
        docs
          .map((d) => d._id)
          .filter((id): id is number => typeof id === 'number')
          .sort((a, b) => a - b);
      const scanned = ids(coll.find(filter as Doc, { hint: { $natural: 1 } }).docs);
      for (const hint of ['q', 'qd', 's']) {
        const plan = coll.plan(filter as Doc, [], hint);
        if (plan.intervals.length === 0 || (plan.intervals[0].lo.length === 0 && hint !== 's'))
          continue;
        expect([hint, ids(coll.find(filter as Doc, { hint }).docs)]).toEqual([hint, scanned]);
      }
    },
  );

  it('match a long key to an equal number in the index, as MongoDB does', () => {
    for (const hint of ['q', 'qd']) {
      const found = coll.find({ q: 1 }, { hint }).docs.map((d) => d._id);
      expect(found).toContain('long-one');
      expect(found).toHaveLength(5);
    }
  });
});
