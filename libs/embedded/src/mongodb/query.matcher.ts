/**
 * Filters through mingo, with the places mingo differs from MongoDB fixed or refused:
 * `$type` follows BSON type names (mingo does not know `objectId`, `long`, ...), and the
 * operators that need indexes or engines this server does not have fail loudly.
 */
import { Context, Query } from 'mingo';
import { bsonTypeName, compareBySort, isNumeric, isPlainObject, parseSort } from './bson.order';
import type { Doc } from './collection.index';
import { commandError, notSupported } from './mongo.errors';
import { compileSimpleFilter } from './simple.filter';

const TYPE_NUMBERS: Record<number, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  13: 'javascript',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};

function typeNameOf(t: unknown): string {
  if (typeof t === 'number') {
    const name = TYPE_NUMBERS[t];
    if (!name) throw commandError('BadValue', `Invalid numerical type code: ${t}`);
    return name;
  }
  if (typeof t !== 'string')
    throw commandError('TypeMismatch', 'type must be represented as a number or a string');
  if (t !== 'number' && !Object.values(TYPE_NUMBERS).includes(t)) {
    throw commandError('BadValue', `Unknown type name alias: ${t}`);
  }
  return t;
}

function hasType(v: unknown, name: string): boolean {
  if (name === 'number') return isNumeric(v);
  return bsonTypeName(v) === name;
}

function reach(doc: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(doc);
    return;
  }
  if (Array.isArray(doc)) {
    if (/^\d+$/.test(parts[i])) reach(doc[Number(parts[i])], parts, i + 1, out);
    for (const e of doc)
      if (isPlainObject(e) && e[parts[i]] !== undefined) reach(e[parts[i]], parts, i + 1, out);
    return;
  }
  if (isPlainObject(doc) && doc[parts[i]] !== undefined) reach(doc[parts[i]], parts, i + 1, out);
}

const $type = (selector: string, value: unknown) => {
  const names = (Array.isArray(value) ? value : [value]).map(typeNameOf);
  const parts = selector.split('.');
  return (obj: Doc): boolean => {
    const found: unknown[] = [];
    reach(obj, parts, 0, found);
    for (const v of found) {
      for (const n of names) {
        if (hasType(v, n)) return true;
        if (Array.isArray(v) && v.some((e) => hasType(e, n))) return true;
      }
    }
    return false;
  };
};

type Options = NonNullable<ConstructorParameters<typeof Query>[1]>;

interface LazyIterator {
  transform(fn: (items: Doc[]) => unknown): LazyIterator;
}
/*
 * mingo publishes its lazy iterator as the `mingo/lazy` subpath export, which the project's
 * node10 module resolution cannot type; the runtime require resolves it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Lazy } = require('mingo/lazy') as { Lazy: (items: Doc[]) => LazyIterator };

/** `$sort` in MongoDB's order: BSON type brackets, and arrays by their smallest/largest element. */
const $bsonSort = (coll: LazyIterator, spec: unknown) => {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) {
    throw commandError('Location15976', '$sort stage must have at least one sort key');
  }
  const cmp = compareBySort(parseSort(spec));
  return coll.transform((items) =>
    Lazy(
      items
        .map((d, i) => [d, i] as const)
        .sort((a, b) => cmp(a[0], b[0]) || a[1] - b[1])
        .map(([d]) => d),
    ),
  );
};

/*
 * mingo merges contexts giving its own operators precedence, so `$type` and `$sort` cannot be
 * replaced; queries and pipelines are rewritten to use these under names mingo does not have.
 */
/** Whether a dotted path crosses an array element (a document) that lacks the next field. */
function missingInArray(doc: unknown, parts: string[], i: number): boolean {
  if (i === parts.length) return false;
  if (Array.isArray(doc)) {
    return doc.some(
      (e) =>
        isPlainObject(e) &&
        (e[parts[i]] === undefined || missingInArray(e[parts[i]], parts, i + 1)),
    );
  }
  if (isPlainObject(doc))
    return doc[parts[i]] !== undefined && missingInArray(doc[parts[i]], parts, i + 1);
  return false;
}

/**
 * `{ 'a.b': null }`: MongoDB also matches when an element of array `a` is a document without
 * `b`, which mingo does not; mingo's answer is kept for every other case.
 */
const $bsonEqNull = (selector: string) => {
  const plain = new Query({ [selector]: null });
  const parts = selector.split('.');
  return (obj: Doc): boolean => plain.test(obj) || missingInArray(obj, parts, 0);
};

/*
 * mingo's exported `Query` merges every one of its operators with the given context on each
 * construction, which costs more than most queries take to run. Query operators receive the
 * finished compute options, so the first `$bsonType` compiled hands them over, and filters are
 * then built by mingo's own base `Query` from those options: same operators, same behaviour,
 * without the merge.
 */
let compiledOptions: unknown;
const context = Context.init({
  query: {
    $bsonType: (selector: string, value: unknown, options: unknown) => {
      compiledOptions ??= options;
      return $type(selector, value);
    },
    $bsonEqNull,
  } as never,
  pipeline: { $bsonSort } as never,
});
new Query({ _: { $bsonType: 'string' } }, { context });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Query: BaseQuery } = require('mingo/query') as {
  Query: new (condition: Doc, options: unknown) => Query;
};

function newQuery(condition: Doc): Query {
  return compiledOptions
    ? new BaseQuery(condition, compiledOptions)
    : new Query(condition, queryOptions());
}

export function queryOptions(): Partial<Options> {
  return { context };
}

const REFUSED: Record<string, () => Error> = {
  $text: () => commandError('IndexNotFound', 'text index required for $text query'),
  $near: () => notSupported('$near'),
  $nearSphere: () => notSupported('$nearSphere'),
  $geoWithin: () => notSupported('$geoWithin'),
  $geoIntersects: () => notSupported('$geoIntersects'),
  $jsonSchema: () => notSupported('$jsonSchema'),
  $search: () => notSupported('$search'),
};

function isNullEquality(x: unknown): boolean {
  return x === null || (isPlainObject(x) && Object.keys(x).length === 1 && x.$eq === null);
}

function stripAndCheck(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripAndCheck);
  if (!isPlainObject(v)) return v;
  const out: Doc = {};
  for (const [k, x] of Object.entries(v)) {
    if (REFUSED[k]) throw REFUSED[k]();
    if (k === '$comment') continue;
    if (k === '$expr') out[k] = rewriteExpressions(x);
    else if (k === '$where') out[k] = x;
    else if (k === '$type') out.$bsonType = x;
    else if (!k.startsWith('$') && k.includes('.') && isNullEquality(x))
      out[k] = { $bsonEqNull: true };
    else out[k] = stripAndCheck(x);
  }
  return out;
}

/** A compiled filter; `test` answers whether a document matches as MongoDB would. */
export function compileFilter(filter: unknown): Query {
  if (filter === undefined || filter === null) return newQuery({});
  if (!isPlainObject(filter)) throw commandError('TypeMismatch', 'filter must be an object');
  const checked = stripAndCheck(filter) as Doc;
  try {
    return newQuery(checked);
  } catch (e) {
    throw commandError('BadValue', (e as Error).message);
  }
}

/**
 * A filter as a test function: the simple comparisons writes and lookups carry are tested
 * directly (simple.filter), anything else by the compiled mingo filter.
 */
export function compileMatcher(filter: Doc): (doc: Doc) => boolean {
  const simple = isPlainObject(filter) ? compileSimpleFilter(filter) : undefined;
  if (!simple) {
    const query = compileFilter(filter);
    return (doc) => query.test(doc);
  }
  let general: Query | undefined;
  return (doc) => simple(doc) ?? (general ??= compileFilter(filter)).test(doc);
}

/** Collation other than the simple one changes string comparison, which this server does not do. */
export function checkCollation(collation: unknown): void {
  if (collation === undefined || collation === null) return;
  if (isPlainObject(collation) && collation.locale === 'simple') return;
  throw notSupported('collation other than { locale: "simple" }');
}

/** mingo's names for BSON types that differ from MongoDB's `$type` expression answers. */
const TYPE_NAME_FIXES: Array<[string, string]> = [
  ['objectid', 'objectId'],
  ['binary', 'binData'],
  ['decimal128', 'decimal'],
];

/**
 * Rewrites aggregation expressions where mingo answers differently: `{ $type: x }` gets
 * MongoDB's type names. `$literal` values are left alone.
 */
function rewriteExpressions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteExpressions);
  if (!isPlainObject(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === '$literal') return v;
  if (keys.length === 1 && keys[0] === '$type') {
    return {
      $let: {
        vars: { t: { $type: rewriteExpressions(v.$type) } },
        in: {
          $switch: {
            branches: TYPE_NAME_FIXES.map(([from, to]) => ({
              case: { $eq: ['$$t', from] },
              then: to,
            })),
            default: '$$t',
          },
        },
      },
    };
  }
  const out: Doc = {};
  for (const k of keys) out[k] = rewriteExpressions(v[k]);
  return out;
}

/** Rewrites a pipeline so its filters, sorts and expressions follow MongoDB, at every level. */
export function rewritePipeline(stages: unknown[]): Doc[] {
  return stages.map((stage) => {
    if (!isPlainObject(stage)) {
      throw commandError('TypeMismatch', 'Each element of the pipeline array must be an object');
    }
    const name = Object.keys(stage)[0];
    const arg = stage[name];
    switch (name) {
      case '$match':
        return { $match: isPlainObject(arg) ? stripAndCheck(arg) : arg };
      case '$sort':
        return { $bsonSort: arg };
      case '$facet': {
        if (!isPlainObject(arg)) return stage;
        const out: Doc = {};
        for (const [k, v] of Object.entries(arg))
          out[k] = Array.isArray(v) ? rewritePipeline(v) : v;
        return { $facet: out };
      }
      case '$lookup':
      case '$unionWith':
        if (isPlainObject(arg) && Array.isArray(arg.pipeline)) {
          return { [name]: { ...arg, pipeline: rewritePipeline(arg.pipeline) } };
        }
        return stage;
      default:
        return { [name]: rewriteExpressions(arg) };
    }
  });
}
