/**
 * Applies update documents, replacements and pipeline updates to a stored document. mingo
 * does the work; this layer first rejects what mingo would silently accept but MongoDB
 * refuses (arithmetic on non-numbers, paths through scalars or arrays, conflicting paths,
 * changes to `_id`), with MongoDB's codes and messages.
 */
import { Aggregator, update as mingoUpdate } from 'mingo';
import { calculateObjectSize, ObjectId } from 'bson';
import { bsonTypeName, compareValues, isNumeric, isPlainObject, keyString } from './bson.order';
import type { Doc } from './collection.index';
import { formatValue } from './collection.index';
import { commandError, notSupported } from './mongo.errors';
import { queryOptions, rewritePipeline } from './query.matcher';

type UpdateOperatorFn = (expr: Doc) => (o: Doc) => string[];
/*
 * mingo publishes its update operators as the `mingo/operators/update` subpath export, which
 * the project's node10 module resolution cannot type; the runtime require resolves it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const updateOperators = require('mingo/operators/update') as Record<string, UpdateOperatorFn>;

const KNOWN_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$rename',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$bit',
  '$setOnInsert',
]);

/** Operators whose mingo implementation works without a query context on plain paths. */
const DIRECT_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$currentDate',
  '$rename',
  '$addToSet',
  '$pullAll',
  '$pop',
]);

const PIPELINE_UPDATE_STAGES = new Set([
  '$addFields',
  '$set',
  '$project',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
]);

/** Copies plain objects and arrays; BSON values (ObjectId, Date, ...) are never mutated, so they are shared. */
export function cloneDoc<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneDoc) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = cloneDoc((v as Doc)[k]);
    return out as T;
  }
  return v;
}

export type UpdateKind = 'operators' | 'replacement' | 'pipeline';

export function updateKind(u: unknown): UpdateKind {
  if (Array.isArray(u)) return 'pipeline';
  if (!isPlainObject(u))
    throw commandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  if (keys.length > 0 && keys[0].startsWith('$')) {
    for (const k of keys) {
      if (!KNOWN_OPERATORS.has(k)) {
        throw commandError(
          'FailedToParse',
          `Unknown modifier: ${k}. Expected a valid update modifier or pipeline-style update specified as an array`,
        );
      }
      if (!isPlainObject(u[k])) {
        throw commandError(
          'FailedToParse',
          `Modifiers operate on fields but we found type ${bsonTypeName(u[k])} instead. For example: {$mod: {<field>: ...}} not {${k}: ${formatValue(u[k])}}`,
        );
      }
    }
    return 'operators';
  }
  for (const k of keys) {
    if (k.startsWith('$')) {
      throw commandError(
        'BadValue',
        `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
  }
  return 'replacement';
}

function pathsConflict(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

function checkConflicts(u: Doc, includeSetOnInsert: boolean): void {
  const seen: string[] = [];
  for (const op of Object.keys(u)) {
    if (op === '$setOnInsert' && !includeSetOnInsert) continue;
    const args = u[op] as Doc;
    const paths = Object.keys(args);
    if (op === '$rename') paths.push(...Object.values(args).map(String));
    for (const p of paths) {
      const plain = p.replace(/\.\$(\[[^\]]*\])?/g, '');
      for (const q of seen) {
        if (pathsConflict(plain, q)) {
          const shorter = plain.length <= q.length ? plain : q;
          throw commandError(
            'ConflictingUpdateOperators',
            `Updating the path '${p}' would create a conflict at '${shorter}'`,
          );
        }
      }
      seen.push(plain);
    }
  }
}

function idText(doc: Doc): string {
  return `{_id: ${formatValue(doc._id)}}`;
}

/** Checks one operator path against the document the way MongoDB does before changing it. */
function guardPath(doc: Doc, op: string, path: string, arg: unknown): void {
  const parts = path.split('.');
  if (parts.some((p) => p === '')) {
    throw commandError(
      'BadValue',
      `The update path '${path}' contains an empty field name, which is not allowed.`,
    );
  }
  if (op === '$inc' || op === '$mul') {
    if (!isNumeric(arg)) {
      const verb = op === '$inc' ? 'increment' : 'multiply';
      throw commandError(
        'TypeMismatch',
        `Cannot ${verb} with non-numeric argument: {${path}: ${formatValue(arg)}}`,
      );
    }
    if (typeof arg !== 'number') throw notSupported(`${op} with a 64-bit or decimal argument`);
  }
  let cur: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.startsWith('$')) return;
    let next: unknown;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part)) {
        if (op === '$unset' || op === '$pull' || op === '$pullAll' || op === '$pop') return;
        throw commandError(
          'PathNotViable',
          `Cannot create field '${part}' in element {${parts[i - 1]}: ${formatValue(cur)}}`,
        );
      }
      next = cur[Number(part)];
    } else if (isPlainObject(cur)) {
      next = cur[part];
    } else {
      if (op === '$unset' || op === '$pull' || op === '$pullAll' || op === '$pop') return;
      throw commandError(
        'PathNotViable',
        `Cannot create field '${part}' in element {${parts[i - 1]}: ${formatValue(cur)}}`,
      );
    }
    if (next === undefined) return;
    if (i < parts.length - 1) {
      cur = next;
      continue;
    }
    switch (op) {
      case '$inc':
      case '$mul':
        if (!isNumeric(next)) {
          throw commandError(
            'TypeMismatch',
            `Cannot apply ${op} to a value of non-numeric type. ${idText(doc)} has the field '${part}' of non-numeric type ${bsonTypeName(next)}`,
          );
        }
        if (typeof next !== 'number') throw notSupported(`${op} on a 64-bit or decimal value`);
        break;
      case '$push':
      case '$addToSet':
        if (!Array.isArray(next)) {
          throw commandError(
            'BadValue',
            `The field '${path}' must be an array but is of type ${bsonTypeName(next)} in document ${idText(doc)}`,
          );
        }
        break;
      case '$pop':
        if (!Array.isArray(next)) {
          throw commandError(
            'TypeMismatch',
            `Path '${path}' contains an element of non-array type '${bsonTypeName(next)}'`,
          );
        }
        break;
      case '$pull':
      case '$pullAll':
        if (!Array.isArray(next))
          throw commandError('BadValue', `Cannot apply ${op} to a non-array value`);
        break;
      case '$bit':
        if (typeof next !== 'number' || !Number.isInteger(next)) {
          throw commandError(
            'BadValue',
            `Cannot apply $bit to a value of non-integral type.${idText(doc)} has the field ${part} of non-integer type ${bsonTypeName(next)}`,
          );
        }
        break;
    }
  }
}

function assertSameId(before: Doc, after: Doc): void {
  if (
    !('_id' in after) ||
    compareValues(before._id, after._id) !== 0 ||
    keyString(before._id) !== keyString(after._id)
  ) {
    throw commandError(
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
}

/**
 * The parent object of a plain dotted path (creating missing levels when asked), or undefined
 * when the path crosses an array, which is left to mingo.
 */
function parentOf(doc: Doc, parts: string[], create: boolean): Doc | null | undefined {
  let cur: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (next === undefined) {
      if (!create) return null;
      const made: Doc = {};
      cur[parts[i]] = made;
      cur = made;
    } else if (isPlainObject(next)) cur = next;
    else return undefined;
  }
  return cur;
}

/*
 * The most frequent operators on plain paths, applied directly: these run for every write a
 * projection makes, and mingo's general path walking costs several times more. Each returns
 * whether the document changed, or undefined to leave the path to mingo.
 */
const SIMPLE_OPERATORS: Record<
  string,
  (doc: Doc, parts: string[], arg: unknown) => boolean | undefined
> = {
  $set(doc, parts, arg) {
    const parent = parentOf(doc, parts, true);
    if (!parent) return undefined;
    const key = parts[parts.length - 1];
    const before = parent[key];
    if (before !== undefined && typeof before !== 'object' && before === arg) return false;
    if (
      before !== undefined &&
      typeof before === 'object' &&
      keyString(before) === keyString(arg)
    ) {
      return false;
    }
    parent[key] = cloneDoc(arg);
    return true;
  },
  $inc(doc, parts, arg) {
    const parent = parentOf(doc, parts, true);
    if (!parent || typeof arg !== 'number') return undefined;
    const key = parts[parts.length - 1];
    const before = parent[key];
    if (before === undefined) {
      parent[key] = arg;
      return true;
    }
    if (typeof before !== 'number') return undefined;
    parent[key] = before + arg;
    return arg !== 0;
  },
  $unset(doc, parts) {
    const parent = parentOf(doc, parts, false);
    if (parent === undefined) return undefined;
    const key = parts[parts.length - 1];
    if (parent === null || !(key in parent)) return false;
    delete parent[key];
    return true;
  },
};

function needsFullMingo(u: Doc, arrayFilters: Doc[] | undefined): boolean {
  if (arrayFilters && arrayFilters.length > 0) return true;
  for (const op of Object.keys(u)) {
    const args = u[op] as Doc;
    if (op === '$setOnInsert') continue;
    if (!DIRECT_OPERATORS.has(op)) {
      if (op === '$push') {
        for (const v of Object.values(args)) if (isPlainObject(v) && '$sort' in v) return true;
      } else return true;
    }
    for (const p of Object.keys(args)) if (p.includes('$')) return true;
  }
  return false;
}

/**
 * A copy of `original` that the direct operators may change in place: the containers on each
 * updated path (and the value at its end) are copied, everything else is shared with the
 * stored document, which is never changed in place. Undefined when a path steps into an
 * array by a field name, where an operator could reach shared elements: then copy it all.
 */
function copyAlongPaths(original: Doc, u: Doc): Doc | undefined {
  const doc: Doc = { ...original };
  for (const op of Object.keys(u)) {
    if (op === '$setOnInsert') continue;
    const args = u[op] as Doc;
    for (const path of Object.keys(args)) {
      if (!copyContainers(doc, path.split('.'))) return undefined;
      const to = args[path];
      if (op === '$rename' && typeof to === 'string' && !copyContainers(doc, to.split('.')))
        return undefined;
    }
  }
  return doc;
}

function copyContainers(doc: Doc, parts: string[]): boolean {
  let cur: Doc | unknown[] = doc;
  for (const part of parts) {
    let v: unknown;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part)) return false;
      v = cur[Number(part)];
    } else v = cur[part];
    let copy: Doc | unknown[];
    if (Array.isArray(v)) copy = v.slice();
    else if (isPlainObject(v)) copy = { ...v };
    else return true;
    if (Array.isArray(cur)) cur[Number(part)] = copy;
    else cur[part] = copy;
    cur = copy;
  }
  return true;
}

export interface UpdateResult {
  doc: Doc;
  changed: boolean;
}

/**
 * Applies an operator update to a copy of `original`. On an upsert's insert, `$setOnInsert`
 * fields are set too.
 */
export function applyOperators(
  original: Doc,
  u: Doc,
  options: { arrayFilters?: Doc[]; query?: Doc; inserting?: boolean },
): UpdateResult {
  checkConflicts(u, !!options.inserting);
  const doc =
    !options.inserting && !needsFullMingo(u, options.arrayFilters)
      ? (copyAlongPaths(original, u) ?? cloneDoc(original))
      : cloneDoc(original);
  for (const op of Object.keys(u)) {
    if (op === '$setOnInsert' && !options.inserting) continue;
    const args = u[op] as Doc;
    for (const path of Object.keys(args)) {
      if (path === '_id' || path.startsWith('_id.')) {
        const unchanged =
          (op === '$set' || op === '$setOnInsert') &&
          path === '_id' &&
          '_id' in original &&
          keyString(args[path]) === keyString(original._id);
        if (!unchanged && '_id' in original) {
          throw commandError(
            'ImmutableField',
            "Performing an update on the path '_id' would modify the immutable field '_id'",
          );
        }
      }
      guardPath(doc, op === '$setOnInsert' ? '$set' : op, path, args[path]);
    }
  }
  const modifier: Doc = {};
  for (const op of Object.keys(u)) {
    if (op === '$setOnInsert') continue;
    modifier[op] = u[op];
  }
  if (isPlainObject(modifier.$set) && '_id' in modifier.$set && '_id' in original) {
    const { _id: _unchanged, ...rest } = modifier.$set;
    modifier.$set = rest;
  }
  if (options.inserting && u.$setOnInsert) {
    modifier.$set = { ...((modifier.$set as Doc) ?? {}), ...(u.$setOnInsert as Doc) };
  }
  let changed = false;
  try {
    if (!needsFullMingo(modifier, options.arrayFilters)) {
      for (const op of Object.keys(modifier)) {
        const args = modifier[op] as Doc;
        const simple = SIMPLE_OPERATORS[op];
        for (const path of Object.keys(args)) {
          const done = simple ? simple(doc, path.split('.'), args[path]) : undefined;
          if (done === undefined) {
            if (updateOperators[op]({ [path]: args[path] })(doc).length > 0) changed = true;
          } else if (done) changed = true;
        }
      }
    } else {
      const fields = mingoUpdate(doc, modifier, options.arrayFilters, options.query, {
        cloneMode: 'none',
        queryOptions: queryOptions(),
      });
      changed = fields.length > 0;
    }
  } catch (e) {
    throw commandError('BadValue', (e as Error).message);
  }
  if (changed && '_id' in original) assertSameId(original, doc);
  return { doc: changed ? doc : original, changed };
}

export function applyReplacement(original: Doc, replacement: Doc): UpdateResult {
  if (
    '_id' in replacement &&
    '_id' in original &&
    keyString(replacement._id) !== keyString(original._id)
  ) {
    throw commandError(
      'ImmutableField',
      `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(replacement._id)}`,
    );
  }
  const doc: Doc =
    '_id' in original
      ? { _id: original._id }
      : '_id' in replacement
        ? { _id: replacement._id }
        : {};
  for (const k of Object.keys(replacement)) if (k !== '_id') doc[k] = cloneDoc(replacement[k]);
  return { doc, changed: keyString(doc) !== keyString(original) };
}

export function applyPipeline(original: Doc, pipeline: Doc[]): UpdateResult {
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0];
    if (!PIPELINE_UPDATE_STAGES.has(name)) {
      throw commandError(
        'InvalidOptions',
        `Invalid update pipeline. Only $addFields, $set, $project, $unset, $replaceRoot and $replaceWith stages are allowed; found ${name}`,
      );
    }
  }
  let out: Doc[];
  try {
    out = new Aggregator(rewritePipeline(pipeline), queryOptions()).run([
      cloneDoc(original),
    ]) as Doc[];
  } catch (e) {
    throw commandError('BadValue', (e as Error).message);
  }
  const doc = out[0] ?? {};
  // A pipeline that drops _id (e.g. $replaceRoot) keeps the document's own, as mongod does.
  if ('_id' in original && !('_id' in doc)) doc._id = original._id;
  if ('_id' in original) assertSameId(original, doc);
  const ordered: Doc = '_id' in doc ? { _id: doc._id } : {};
  for (const k of Object.keys(doc)) if (k !== '_id') ordered[k] = doc[k];
  return { doc: ordered, changed: keyString(ordered) !== keyString(original) };
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (!isPlainObject(next)) cur[parts[i]] = {};
    cur = cur[parts[i]] as Doc;
  }
  cur[parts[parts.length - 1]] = cloneDoc(value);
}

function collectEqualities(filter: Doc, into: Doc): void {
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const sub of v) if (isPlainObject(sub)) collectEqualities(sub, into);
      continue;
    }
    if (k.startsWith('$')) continue;
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (keys.length > 0 && keys[0].startsWith('$')) {
        if (keys.length === 1 && keys[0] === '$eq') setPath(into, k, v.$eq);
        continue;
      }
    }
    if (v instanceof RegExp) continue;
    setPath(into, k, v);
  }
}

/** The document an upsert inserts: the query's equality fields, then the update. */
export function upsertDocument(filter: Doc, u: unknown, arrayFilters?: Doc[]): Doc {
  const kind = updateKind(u);
  let doc: Doc;
  if (kind === 'replacement') {
    const seed: Doc = {};
    collectEqualities(filter, seed);
    doc = applyReplacement({}, u as Doc).doc;
    if (!('_id' in doc) && '_id' in seed) doc = { _id: seed._id, ...doc };
  } else {
    const seed: Doc = {};
    collectEqualities(filter, seed);
    doc =
      kind === 'operators'
        ? applyOperators(seed, u as Doc, { arrayFilters, inserting: true }).doc
        : applyPipeline(seed, u as Doc[]).doc;
    if ('_id' in seed && '_id' in doc && keyString(seed._id) !== keyString(doc._id)) {
      throw commandError(
        'ImmutableField',
        "Performing an update on the path '_id' would modify the immutable field '_id'",
      );
    }
  }
  return withId(doc);
}

/** Puts `_id` first, generating an ObjectId when the document has none, as mongod does. */
export function withId(doc: Doc): Doc {
  if ('_id' in doc && Object.keys(doc)[0] === '_id') return doc;
  const out: Doc = { _id: '_id' in doc ? doc._id : new ObjectId() };
  for (const k of Object.keys(doc)) if (k !== '_id') out[k] = doc[k];
  return out;
}

const MAX_DOCUMENT_SIZE = 16 * 1024 * 1024;

/** A write may not leave a document larger than BSON's 16 MiB limit. */
export function checkDocumentSize(doc: Doc): void {
  if (calculateObjectSize(doc) > MAX_DOCUMENT_SIZE) {
    throw commandError(
      'BSONObjectTooLarge',
      `Resulting document after update is larger than ${MAX_DOCUMENT_SIZE}`,
    );
  }
}
