/**
 * Filters through mingo, with the places mingo differs from MongoDB fixed or refused:
 * `$type` follows BSON type names (mingo does not know `objectId`, `long`, ...), and the
 * operators that need indexes or engines this server does not have fail loudly.
 */
import { Context, Query } from 'mingo';
import { isNumeric, isPlainObject } from './bson-order';
import type { Doc } from './collection.index';
import { commandError, notSupported } from './mongo.errors';
import { bsonTypeName } from './update.engine';

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
  if (typeof t !== 'string') throw commandError('TypeMismatch', 'type must be represented as a number or a string');
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
    for (const e of doc) if (isPlainObject(e) && e[parts[i]] !== undefined) reach(e[parts[i]], parts, i + 1, out);
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

/*
 * mingo merges contexts giving its own operators precedence, so `$type` cannot be replaced;
 * filters are rewritten to use this operator under a name mingo does not have.
 */
const context = Context.init({ query: { $bsonType: $type } as never });

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

function stripAndCheck(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripAndCheck);
  if (!isPlainObject(v)) return v;
  const out: Doc = {};
  for (const [k, x] of Object.entries(v)) {
    if (REFUSED[k]) throw REFUSED[k]();
    if (k === '$comment') continue;
    if (k === '$expr' || k === '$where') out[k] = x;
    else if (k === '$type') out.$bsonType = x;
    else out[k] = stripAndCheck(x);
  }
  return out;
}

/** A compiled filter; `test` answers whether a document matches as MongoDB would. */
export function compileFilter(filter: unknown): Query {
  if (filter === undefined || filter === null) return new Query({}, queryOptions());
  if (!isPlainObject(filter)) throw commandError('TypeMismatch', 'filter must be an object');
  const checked = stripAndCheck(filter) as Doc;
  try {
    return new Query(checked, queryOptions());
  } catch (e) {
    throw commandError('BadValue', (e as Error).message);
  }
}

/** Collation other than the simple one changes string comparison, which this server does not do. */
export function checkCollation(collation: unknown): void {
  if (collation === undefined || collation === null) return;
  if (isPlainObject(collation) && collation.locale === 'simple') return;
  throw notSupported('collation other than { locale: "simple" }');
}
