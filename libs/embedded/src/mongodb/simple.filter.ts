/**
 * The filters writes by `_id` carry (`{ _id: id, pos: { $lt: n } }`) and similar ones, tested
 * without mingo: top-level fields compared with a number, string, boolean or date by equality
 * or `$eq`, `$ne`, `$lt`, `$lte`, `$gt`, `$gte`. As in MongoDB, a comparison only matches values
 * of the same type bracket, and an array field matches when one of its elements does (each
 * operator on its own). Any other filter is not compiled here; a document holding anything but
 * those types (or arrays of them) in a tested field is declined (`undefined`), so the caller
 * asks the general matcher.
 */
import type { Doc } from './collection.index';

export type SimpleMatch = (doc: Doc) => boolean | undefined;

type Op = '$eq' | '$ne' | '$lt' | '$lte' | '$gt' | '$gte';
const OPS = new Set<string>(['$eq', '$ne', '$lt', '$lte', '$gt', '$gte']);

interface Test {
  field: string;
  op: Op;
  value: number | string | boolean;
  kind: string;
}

/** number, string, boolean, or a date as its time; undefined for anything else. */
function scalar(v: unknown): { value: number | string | boolean; kind: string } | undefined {
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? undefined : { value: v, kind: 'number' };
    case 'string':
      return { value: v, kind: 'string' };
    case 'boolean':
      return { value: v, kind: 'boolean' };
    case 'object':
      if (v instanceof Date && !Number.isNaN(v.getTime()))
        return { value: v.getTime(), kind: 'date' };
      return undefined;
    default:
      return undefined;
  }
}

const NON_BMP = /[\ud800-\uffff]/;

export function compileSimpleFilter(filter: Doc): SimpleMatch | undefined {
  const tests: Test[] = [];
  for (const field of Object.keys(filter)) {
    if (field.length === 0 || field.startsWith('$') || field.includes('.')) return undefined;
    const cond = filter[field];
    const direct = scalar(cond);
    if (direct) {
      tests.push({ field, op: '$eq', ...direct });
      continue;
    }
    if (
      typeof cond !== 'object' ||
      cond === null ||
      Object.getPrototypeOf(cond) !== Object.prototype
    )
      return undefined;
    const ops = Object.keys(cond);
    if (ops.length === 0) return undefined;
    for (const op of ops) {
      if (!OPS.has(op)) return undefined;
      const arg = scalar((cond as Doc)[op]);
      if (!arg) return undefined;
      // Strings compare as UTF-8 bytes in MongoDB and as UTF-16 units in JavaScript.
      if (
        arg.kind === 'string' &&
        op !== '$eq' &&
        op !== '$ne' &&
        NON_BMP.test(arg.value as string)
      )
        return undefined;
      tests.push({ field, op: op as Op, ...arg });
    }
  }
  return (doc) => {
    for (const t of tests) {
      const r = check(doc[t.field], t);
      if (r !== true) return r;
    }
    return true;
  };
}

/** Whether one value satisfies a test: undefined when it is of a type this matcher leaves alone. */
function compareOne(v: unknown, t: Test): boolean | undefined {
  const s = scalar(v);
  if (!s) {
    if (v === undefined || v === null) return false;
    return undefined;
  }
  if (s.kind !== t.kind) return false;
  if (s.kind === 'string' && t.op !== '$eq' && t.op !== '$ne' && NON_BMP.test(s.value as string))
    return undefined;
  const a = s.value;
  const b = t.value;
  switch (t.op) {
    case '$eq':
    case '$ne':
      return a === b;
    case '$lt':
      return a < b;
    case '$lte':
      return a <= b;
    case '$gt':
      return a > b;
    case '$gte':
      return a >= b;
  }
}

function check(v: unknown, t: Test): boolean | undefined {
  let found: boolean | undefined;
  if (Array.isArray(v)) {
    found = false;
    for (const e of v) {
      if (Array.isArray(e)) return undefined;
      const r = compareOne(e, t);
      if (r === undefined) return undefined;
      if (r) found = true;
    }
  } else {
    found = compareOne(v, t);
    if (found === undefined) return undefined;
  }
  return t.op === '$ne' ? !found : found;
}
