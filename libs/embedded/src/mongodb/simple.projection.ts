/**
 * The common find projections, applied without mingo: only inclusions or only exclusions of
 * top-level or dotted field names given as 0/1/true/false, with `_id` included unless excluded.
 * As in mongod, the result keeps the document's own field order, a dotted inclusion through a
 * subdocument keeps that subdocument (empty when nothing inside it is included) and through an
 * array applies to each subdocument element, dropping the other elements; a dotted exclusion
 * leaves scalars and non-document array elements alone. The stored document is never changed:
 * the result shares the stored values it keeps, which writes never mutate (they replace).
 *
 * Anything else (expressions, `$slice`, `$elemMatch`, positional `.$`, `$meta`, mixed
 * inclusion and exclusion, path collisions) is not compiled here, and a document with an
 * array inside an array on a projected path is declined (`undefined`) so the caller uses the
 * general path for it.
 */
import { isPlainObject } from './bson.order';
import type { Doc } from './collection.index';

/** A projection as a tree: `true` at the fields it names, subtrees under dotted prefixes. */
type Tree = Map<string, Tree | true>;

export type DocProjector = (doc: Doc) => Doc | undefined;

const DECLINED = Symbol('declined');

function flag(v: unknown): boolean | undefined {
  if (v === 1 || v === true) return true;
  if (v === 0 || v === false) return false;
  return undefined;
}

/** Compiles a simple projection, or answers undefined when the projection is not one. */
export function compileSimpleProjection(projection: Doc): DocProjector | undefined {
  const keys = Object.keys(projection);
  if (keys.length === 0) return undefined;
  let include: boolean | undefined;
  let keepId = true;
  const tree: Tree = new Map();
  for (const key of keys) {
    const f = flag(projection[key]);
    if (f === undefined) return undefined;
    if (key.length === 0 || key.includes('$')) return undefined;
    if (key === '_id') {
      keepId = f;
      if (f && keys.length === 1) include = true;
      continue;
    }
    if (key.startsWith('_id.')) return undefined;
    if (include !== undefined && include !== f) return undefined;
    include = f;
    const parts = key.split('.');
    let node = tree;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part.length === 0) return undefined;
      const at = node.get(part);
      if (i === parts.length - 1) {
        if (at !== undefined) return undefined; // a path collision: mongod refuses it
        node.set(part, true);
      } else {
        if (at === true) return undefined;
        const next: Tree = at ?? new Map();
        node.set(part, next);
        node = next;
      }
    }
  }
  if (include === undefined) {
    // Only `_id: 0`: an exclusion of _id alone.
    if (keepId) return undefined;
    include = false;
  }
  if (include) {
    return (doc) => {
      const out = includeFields(doc, tree, keepId);
      return out === DECLINED ? undefined : out;
    };
  }
  // `{ _id: 1, a: 0 }` is left to the general path.
  if (projection._id !== undefined && keepId) return undefined;
  if (!keepId) tree.set('_id', true);
  return (doc) => {
    const out = excludeFields(doc, tree);
    return out === DECLINED ? undefined : out;
  };
}

function includeFields(doc: Doc, tree: Tree, keepId: boolean): Doc | typeof DECLINED {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const value = doc[key];
    if (key === '_id' && keepId) {
      out[key] = value;
      continue;
    }
    const node = tree.get(key);
    if (node === undefined) continue;
    if (node === true) {
      out[key] = value;
      continue;
    }
    if (isPlainObject(value)) {
      const sub = includeFields(value, node, false);
      if (sub === DECLINED) return DECLINED;
      out[key] = sub;
    } else if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (const e of value) {
        if (Array.isArray(e)) return DECLINED;
        if (!isPlainObject(e)) continue;
        const sub = includeFields(e, node, false);
        if (sub === DECLINED) return DECLINED;
        items.push(sub);
      }
      out[key] = items;
    }
  }
  return out;
}

function excludeFields(doc: Doc, tree: Tree): Doc | typeof DECLINED {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const value = doc[key];
    const node = tree.get(key);
    if (node === undefined) {
      out[key] = value;
      continue;
    }
    if (node === true) continue;
    if (isPlainObject(value)) {
      const sub = excludeFields(value, node);
      if (sub === DECLINED) return DECLINED;
      out[key] = sub;
    } else if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (const e of value) {
        if (Array.isArray(e)) return DECLINED;
        if (!isPlainObject(e)) {
          items.push(e);
          continue;
        }
        const sub = excludeFields(e, node);
        if (sub === DECLINED) return DECLINED;
        items.push(sub);
      }
      out[key] = items;
    } else out[key] = value;
  }
  return out;
}
