/**
 * The commands the server answers, each shaped as a real standalone mongod 7.0 answers it.
 * Handlers run synchronously on the event loop, so every command is atomic with respect to
 * every other one, as a single-document write is on a real server.
 */
import { Aggregator } from 'mingo';
import { Long } from 'bson';
import { compareValues, isPlainObject, keyString, parseSort, pathValues } from './bson.order';
import { CollectionIndex, type Doc, type DocRecord, type IndexSpec } from './collection.index';
import { Collection, Database, type FindResult } from './collection.store';
import { commandError, MongoCommandError, notSupported } from './mongo.errors';
import { compileSimpleProjection } from './simple.projection';
import { checkCollation, compileFilter, queryOptions, rewritePipeline } from './query.matcher';
import {
  applyOperators,
  applyPipeline,
  applyReplacement,
  checkDocumentSize,
  cloneDoc,
  updateKind,
  upsertDocument,
  withId,
} from './update.engine';
import { BatchBuilder, MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE } from './wire.protocol';

export type Reply = Doc | Buffer;

interface Cursor {
  id: Long;
  ns: string;
  docs: Doc[];
  position: number;
  project?: (docs: Doc[]) => Doc[];
  lastUsed: number;
  noTimeout: boolean;
}

/** mongod's default `cursorTimeoutMillis`: an idle cursor is closed after ten minutes. */
export const CURSOR_TIMEOUT_MS = 10 * 60 * 1000;

const DEFAULT_BATCH = 101;
const MAX_BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 64 * 1024;
const WIRE_VERSION = 21;

export interface ConnectionInfo {
  id: number;
}

/** Everything the server holds: databases and open cursors. */
export class ServerState {
  readonly databases = new Map<string, Database>();
  readonly cursors = new Map<string, Cursor>();
  private nextCursor = BigInt(Math.floor(Math.random() * 2 ** 40)) + 1n;

  db(name: string): Database {
    if (!name || /[/\\. "$]/.test(name))
      throw commandError('InvalidNamespace', `Invalid database name: '${name}'`);
    let db = this.databases.get(name);
    if (!db) {
      db = new Database(name);
      this.databases.set(name, db);
    }
    return db;
  }

  /** Returns the first batch and keeps the rest behind a cursor id, as the server does. */
  cursorReply(
    ns: string,
    docs: Doc[],
    batchSize: number | undefined,
    single: boolean,
    project?: (d: Doc[]) => Doc[],
    noTimeout = false,
  ): Buffer {
    const cursor: Cursor = {
      id: Long.ZERO,
      ns,
      docs,
      position: 0,
      project,
      lastUsed: Date.now(),
      noTimeout,
    };
    const batch = this.takeBatch(cursor, batchSize ?? DEFAULT_BATCH);
    if (!single && cursor.position < docs.length) {
      cursor.id = Long.fromBigInt(this.nextCursor++);
      this.cursors.set(cursor.id.toString(), cursor);
    }
    return batch.replyBody('firstBatch', cursor.id, ns);
  }

  getMore(cursorId: Long, collection: string, db: string, batchSize: number | undefined): Buffer {
    const cursor = this.cursors.get(cursorId.toString());
    if (!cursor) throw commandError('CursorNotFound', `cursor id ${cursorId.toString()} not found`);
    if (cursor.ns !== `${db}.${collection}`) {
      throw commandError(
        'Unauthorized',
        `Requested getMore on namespace '${db}.${collection}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    cursor.lastUsed = Date.now();
    const batch = this.takeBatch(cursor, batchSize && batchSize > 0 ? batchSize : Infinity);
    let id = cursor.id;
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(cursor.id.toString());
      id = Long.ZERO;
    }
    return batch.replyBody('nextBatch', id, cursor.ns);
  }

  /** Closes cursors idle for longer than the timeout, as mongod's cursor monitor does. */
  expireCursors(now = Date.now(), timeoutMs = CURSOR_TIMEOUT_MS): number {
    let closed = 0;
    for (const [id, cursor] of this.cursors) {
      if (!cursor.noTimeout && now - cursor.lastUsed > timeoutMs) {
        this.cursors.delete(id);
        closed++;
      }
    }
    return closed;
  }

  private takeBatch(cursor: Cursor, batchSize: number): BatchBuilder {
    const batch = new BatchBuilder();
    const limit = batchSize === 0 ? DEFAULT_BATCH : batchSize;
    while (cursor.position < cursor.docs.length && batch.count < limit) {
      const raw = cursor.docs[cursor.position];
      const doc = cursor.project ? cursor.project([raw])[0] : raw;
      if (!batch.add(doc, MAX_BATCH_BYTES)) break;
      cursor.position++;
    }
    return batch;
  }
}

/** A whole number (a double without a fraction, or a long), else undefined. */
function wholeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  return v instanceof Long ? v.toNumber() : undefined;
}

/** `$limit` takes a positive whole number and `$skip` one that is not negative, as in MongoDB. */
function checkSkipOrLimit(stage: Doc): void {
  if ('$limit' in stage && !((wholeNumber(stage.$limit) ?? 0) > 0))
    throw commandError('Location15958', 'the limit must be positive');
  if ('$skip' in stage && !((wholeNumber(stage.$skip) ?? -1) >= 0))
    throw commandError(
      'Location15956',
      'invalid argument to $skip stage: Cannot skip a negative number of documents',
    );
}

/**
 * The stages countDocuments sends after its `$match`: an optional `$skip`, an optional
 * `$limit`, then one `$group` of every document under a constant `_id` with a single
 * `{ $sum: <number> }` (their values already checked: checkSkipOrLimit). Anything else is
 * left to the general pipeline.
 */
function countOnly(
  stages: Doc[],
): { skip: number; limit: number; id: unknown; field: string; each: number } | undefined {
  let at = 0;
  const take = (stage: '$skip' | '$limit') =>
    stages[at] && stage in stages[at] ? wholeNumber(stages[at++][stage])! : 0;
  const skip = take('$skip');
  const limit = take('$limit');
  if (stages.length !== at + 1 || !isPlainObject(stages[at].$group)) return undefined;
  const group = stages[at].$group as Doc;
  const keys = Object.keys(group);
  if (keys.length !== 2 || keys[0] !== '_id') return undefined;
  const id = group._id;
  const constant =
    id === null || typeof id === 'number' || (typeof id === 'string' && !id.startsWith('$'));
  const field = keys[1];
  const sum = group[field];
  if (!constant || field.startsWith('$') || field.includes('.') || !isPlainObject(sum))
    return undefined;
  const ops = Object.keys(sum);
  if (ops.length !== 1 || ops[0] !== '$sum' || typeof sum.$sum !== 'number') return undefined;
  return { skip, limit, id, field, each: sum.$sum };
}

function asNumber(v: unknown, name: string, fallback?: number): number | undefined {
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'number' ? v : (v as { toNumber?: () => number }).toNumber?.();
  if (typeof n !== 'number' || Number.isNaN(n))
    throw commandError('TypeMismatch', `Field '${name}' must be numeric.`);
  return n;
}

function collectionName(cmd: Doc, key: string): string {
  const name = cmd[key];
  if (typeof name !== 'string' || name.length === 0) {
    throw commandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  if (name.includes('$') || name.startsWith('.') || name.includes('\0')) {
    throw commandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
  return name;
}

function projector(filter: Doc, projection: unknown): ((docs: Doc[]) => Doc[]) | undefined {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return undefined;
  for (const v of Object.values(projection)) {
    if (isPlainObject(v) && '$meta' in v) throw notSupported('$meta projection');
  }
  const exclusionSlice = sliceExclusionProjector(projection);
  if (exclusionSlice) return (docs) => docs.map(exclusionSlice);
  const simple = compileSimpleProjection(projection);
  if (!simple) return generalProjector(filter, projection);
  let general: ((docs: Doc[]) => Doc[]) | undefined;
  return (docs) =>
    docs.map((doc) => simple(doc) ?? (general ??= generalProjector(filter, projection))([doc])[0]);
}

/** Any projection, through mingo. */
function generalProjector(filter: Doc, projection: Doc): (docs: Doc[]) => Doc[] {
  // The filter matters for positional (`field.$`) projections.
  const query = compileFilter(filter);
  return (docs) => {
    try {
      // mingo's exclusions delete from the documents they are given: give it copies.
      return query.find(docs.map(cloneDoc), projection).all() as Doc[];
    } catch (e) {
      throw commandError('BadValue', (e as Error).message);
    }
  };
}

function sliceOf(value: unknown, spec: unknown): unknown {
  if (!Array.isArray(value)) return value;
  if (typeof spec === 'number') return spec >= 0 ? value.slice(0, spec) : value.slice(spec);
  if (
    Array.isArray(spec) &&
    spec.length === 2 &&
    typeof spec[0] === 'number' &&
    typeof spec[1] === 'number'
  ) {
    if (spec[1] <= 0) throw commandError('BadValue', '$slice limit must be positive');
    const start = spec[0] < 0 ? Math.max(value.length + spec[0], 0) : spec[0];
    return value.slice(start, start + spec[1]);
  }
  throw commandError('BadValue', '$slice only supports numbers and [skip, limit] arrays');
}

/**
 * A projection of only `$slice`s and exclusions keeps every other field in MongoDB, while
 * mingo treats `$slice` as an inclusion; such projections are applied here.
 */
function sliceExclusionProjector(projection: Doc): ((doc: Doc) => Doc) | undefined {
  const entries = Object.entries(projection);
  const isSlice = (v: unknown) => isPlainObject(v) && Object.keys(v).length === 1 && '$slice' in v;
  const isExclusion = (v: unknown) => v === 0 || v === false;
  if (
    !entries.some(([, v]) => isSlice(v)) ||
    !entries.every(([, v]) => isSlice(v) || isExclusion(v))
  ) {
    return undefined;
  }
  return (doc) => {
    const out = cloneDoc(doc);
    for (const [path, v] of entries) {
      const parts = path.split('.');
      let parent: unknown = out;
      for (let i = 0; i < parts.length - 1 && isPlainObject(parent); i++) parent = parent[parts[i]];
      if (!isPlainObject(parent)) continue;
      const key = parts[parts.length - 1];
      if (isExclusion(v)) delete parent[key];
      else if (key in parent) parent[key] = sliceOf(parent[key], (v as Doc).$slice);
    }
    return out;
  };
}

interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  [extra: string]: unknown;
}

function writeErrorOf(e: unknown, index: number): WriteError {
  if (e instanceof MongoCommandError) return { index, code: e.code, errmsg: e.message, ...e.extra };
  return { index, code: 1, errmsg: (e as Error).message };
}

/** The statements array of a write command (`insert.documents`, `update.updates`, ...). */
function statementsOf(cmd: Doc, verb: string, field: string): unknown[] {
  const statements = cmd[field];
  if (!Array.isArray(statements))
    throw commandError(
      'TypeMismatch',
      `BSON field '${verb}.${field}' is missing but a required field`,
    );
  return statements;
}

/**
 * Runs a write command's statements in turn, as mongod does: a failing statement becomes a
 * write error and, unless the command is unordered, ends the command there.
 */
function runStatements(
  cmd: Doc,
  statements: unknown[],
  run: (stmt: unknown, index: number) => void,
): WriteError[] {
  const ordered = cmd.ordered !== false;
  const writeErrors: WriteError[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      run(statements[i], i);
    } catch (e) {
      writeErrors.push(writeErrorOf(e, i));
      if (ordered) break;
    }
  }
  return writeErrors;
}

/** Options that would change results if ignored; the server refuses them rather than answer differently. */
function refuseUnsupportedOptions(cmd: Doc): void {
  if (cmd.let !== undefined) throw notSupported("'let' variables");
  const readConcern = cmd.readConcern as Doc | undefined;
  if (
    isPlainObject(readConcern) &&
    (readConcern.level === 'snapshot' || readConcern.atClusterTime !== undefined)
  ) {
    throw notSupported('snapshot read concern');
  }
  for (const opt of ['min', 'max', 'returnKey', 'showRecordId']) {
    if (cmd[opt] !== undefined && cmd[opt] !== false) throw notSupported(`find option '${opt}'`);
  }
}

/** What a standalone mongod answers to anything that belongs to a transaction. */
function transactionsRefused(): MongoCommandError {
  return commandError(
    'IllegalOperation',
    'Transaction numbers are only allowed on a replica set member or mongos',
  );
}

function refuseTransactions(cmd: Doc): void {
  if (
    cmd.txnNumber !== undefined ||
    cmd.startTransaction !== undefined ||
    cmd.autocommit !== undefined
  ) {
    throw transactionsRefused();
  }
}

const UNSUPPORTED_STAGES: Record<string, () => Error> = {
  $changeStream: () =>
    commandError('Location40573', 'The $changeStream stage is only supported on replica sets'),
  $out: () => notSupported('$out'),
  $merge: () => notSupported('$merge'),
  $geoNear: () => notSupported('$geoNear'),
  $search: () => notSupported('$search'),
  $searchMeta: () => notSupported('$searchMeta'),
  $vectorSearch: () => notSupported('$vectorSearch'),
  $collStats: () => notSupported('$collStats'),
  $indexStats: () => notSupported('$indexStats'),
  $currentOp: () => notSupported('$currentOp'),
  $listSessions: () => notSupported('$listSessions'),
  $listLocalSessions: () => notSupported('$listLocalSessions'),
  $planCacheStats: () => notSupported('$planCacheStats'),
};

type Handler = (cmd: Doc, db: string, state: ServerState, conn: ConnectionInfo) => Reply;

export class CommandRouter {
  private readonly handlers: Record<string, Handler>;

  constructor(readonly state: ServerState) {
    const hello =
      (legacy: boolean): Handler =>
      (_cmd, _db, _state, conn) => ({
        helloOk: true,
        ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
        maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
        maxMessageSizeBytes: MAX_MESSAGE_SIZE,
        maxWriteBatchSize: 100000,
        localTime: new Date(),
        logicalSessionTimeoutMinutes: 30,
        connectionId: conn.id,
        minWireVersion: 0,
        maxWireVersion: WIRE_VERSION,
        readOnly: false,
        ok: 1,
      });
    this.handlers = {
      hello: hello(false),
      isMaster: hello(true),
      ismaster: hello(true),
      ping: () => ({ ok: 1 }),
      buildInfo: () => this.buildInfo(),
      buildinfo: () => this.buildInfo(),
      endSessions: () => ({ ok: 1 }),
      killAllSessions: () => ({ ok: 1 }),
      connectionStatus: () => ({
        authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] },
        ok: 1,
      }),
      getParameter: () => ({ ok: 1 }),
      whatsmyuri: () => ({ you: '127.0.0.1:0', ok: 1 }),
      hostInfo: () => ({ system: { currentTime: new Date(), hostname: 'localhost' }, ok: 1 }),
      commitTransaction: () => {
        throw transactionsRefused();
      },
      abortTransaction: () => {
        throw transactionsRefused();
      },
      insert: (cmd, db) => this.insert(cmd, db),
      update: (cmd, db) => this.update(cmd, db),
      delete: (cmd, db) => this.delete(cmd, db),
      find: (cmd, db) => this.find(cmd, db),
      getMore: (cmd, db) => {
        const id = cmd.getMore;
        const cursorId = typeof id === 'number' ? Long.fromNumber(id) : (id as Long);
        if (!(cursorId instanceof Long))
          throw commandError('TypeMismatch', "Field 'getMore' must be of type long");
        return this.state.getMore(
          cursorId,
          collectionName(cmd, 'collection'),
          db,
          asNumber(cmd.batchSize, 'batchSize'),
        );
      },
      killCursors: (cmd) => this.killCursors(cmd),
      findAndModify: (cmd, db) => this.findAndModify(cmd, db),
      findandmodify: (cmd, db) =>
        this.findAndModify({ ...cmd, findAndModify: cmd.findandmodify }, db),
      aggregate: (cmd, db) => this.aggregate(cmd, db),
      count: (cmd, db) => this.count(cmd, db),
      distinct: (cmd, db) => this.distinct(cmd, db),
      createIndexes: (cmd, db) => this.createIndexes(cmd, db),
      listIndexes: (cmd, db) => this.listIndexes(cmd, db),
      dropIndexes: (cmd, db) => this.dropIndexes(cmd, db, 'dropIndexes'),
      deleteIndexes: (cmd, db) => this.dropIndexes(cmd, db, 'deleteIndexes'),
      listCollections: (cmd, db) => this.listCollections(cmd, db),
      create: (cmd, db) => this.create(cmd, db),
      drop: (cmd, db) => this.drop(cmd, db),
      renameCollection: (cmd) => this.renameCollection(cmd),
      listDatabases: (cmd) => this.listDatabases(cmd),
      dropDatabase: (_cmd, db) => {
        this.state.databases.delete(db);
        return { dropped: db, ok: 1 };
      },
      dbStats: (_cmd, db) => {
        const d = this.state.databases.get(db);
        const colls = d ? Array.from(d.collections.values()) : [];
        return {
          db,
          collections: colls.length,
          views: 0,
          objects: colls.reduce((n, c) => n + c.size, 0),
          indexes: colls.reduce((n, c) => n + c.indexes.length, 0),
          ok: 1,
        };
      },
      explain: (cmd, db) => this.explain(cmd, db),
    };
  }

  /** Runs one command body; failures become `{ ok: 0, errmsg, code, codeName }`. */
  run(body: Doc, conn: ConnectionInfo): Reply {
    const name = Object.keys(body)[0];
    try {
      const db = body.$db;
      if (typeof db !== 'string')
        throw commandError('BadValue', 'OP_MSG requests require a $db argument');
      const handler =
        name !== undefined && Object.prototype.hasOwnProperty.call(this.handlers, name)
          ? this.handlers[name]
          : undefined;
      if (!handler) throw commandError('CommandNotFound', `no such command: '${name}'`);
      refuseTransactions(body);
      refuseUnsupportedOptions(body);
      return handler(body, db, this.state, conn);
    } catch (e) {
      if (e instanceof MongoCommandError) return e.toReply();
      return { ok: 0, errmsg: (e as Error).message, code: 1, codeName: 'InternalError' };
    }
  }

  private buildInfo(): Doc {
    return {
      version: '7.0.0',
      gitVersion: 'embedded',
      versionArray: [7, 0, 0, 0],
      bits: 64,
      debug: false,
      maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
      storageEngines: ['memory'],
      modules: [],
      ok: 1,
    };
  }

  private collection(db: string, name: string): Collection | undefined {
    return this.state.databases.get(db)?.get(name);
  }

  private collectionForWrite(db: string, name: string): Collection {
    return this.state.db(db).getOrCreate(name).coll;
  }

  private insert(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'insert');
    const docs = statementsOf(cmd, 'insert', 'documents');
    const coll = this.collectionForWrite(db, name);
    let n = 0;
    const writeErrors = runStatements(cmd, docs, (raw) => {
      if (!isPlainObject(raw)) throw commandError('TypeMismatch', 'document must be an object');
      const doc = withId(raw);
      checkId(doc._id);
      coll.insert(doc);
      n++;
    });
    return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
  }

  private update(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'update');
    const updates = statementsOf(cmd, 'update', 'updates');
    const coll = this.collectionForWrite(db, name);
    const upserted: Doc[] = [];
    let n = 0;
    let nModified = 0;
    const writeErrors = runStatements(cmd, updates, (stmt, i) => {
      const r = this.updateOne(coll, stmt as Doc);
      n += r.matched;
      nModified += r.modified;
      if (r.upsertedId !== undefined) {
        n += 1;
        upserted.push({ index: i, _id: r.upsertedId });
      }
    });
    const out: Doc = { n, nModified };
    if (upserted.length) out.upserted = upserted;
    if (writeErrors.length) out.writeErrors = writeErrors;
    out.ok = 1;
    return out;
  }

  private updateOne(
    coll: Collection,
    stmt: Doc,
  ): { matched: number; modified: number; upsertedId?: unknown } {
    if (!isPlainObject(stmt))
      throw commandError('TypeMismatch', 'update statement must be an object');
    checkCollation(stmt.collation);
    const filter = (stmt.q ?? {}) as Doc;
    if (!isPlainObject(filter))
      throw commandError('TypeMismatch', "BSON field 'q' must be an object");
    const u = stmt.u;
    const kind = updateKind(u);
    const multi = stmt.multi === true;
    if (multi && kind === 'replacement') {
      throw commandError(
        'FailedToParse',
        'multi update is not supported for replacement-style update',
      );
    }
    const arrayFilters = stmt.arrayFilters as Doc[] | undefined;
    const found = coll.find(filter, {
      limit: multi ? 0 : 1,
      hint: stmt.hint,
      sort: multi ? undefined : (stmt.sort as Doc | undefined),
    });
    if (found.records.length === 0) {
      if (stmt.upsert !== true) return { matched: 0, modified: 0 };
      const doc = upsertDocument(filter, u, arrayFilters);
      checkId(doc._id);
      checkDocumentSize(doc);
      coll.insert(doc);
      return { matched: 0, modified: 0, upsertedId: doc._id };
    }
    let modified = 0;
    for (const rec of found.records) {
      const r = this.applyUpdate(rec, u, kind, filter, arrayFilters);
      if (r.changed) {
        checkDocumentSize(r.doc);
        coll.replace(rec, r.doc);
        modified++;
      }
    }
    return { matched: found.records.length, modified };
  }

  private applyUpdate(rec: DocRecord, u: unknown, kind: string, filter: Doc, arrayFilters?: Doc[]) {
    if (kind === 'replacement') return applyReplacement(rec.doc, u as Doc);
    if (kind === 'pipeline') return applyPipeline(rec.doc, u as Doc[]);
    return applyOperators(rec.doc, u as Doc, { arrayFilters, query: filter });
  }

  private delete(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'delete');
    const deletes = statementsOf(cmd, 'delete', 'deletes');
    const coll = this.collection(db, name);
    let n = 0;
    const writeErrors = runStatements(cmd, deletes, (raw) => {
      const stmt = raw as Doc;
      checkCollation(stmt.collation);
      const limit = asNumber(stmt.limit, 'limit', 0);
      if (limit !== 0 && limit !== 1)
        throw commandError(
          'FailedToParse',
          'The limit field in delete objects must be 0 or 1. Got ' + limit,
        );
      if (!coll) return;
      const found = coll.find((stmt.q ?? {}) as Doc, { limit: limit ?? 0, hint: stmt.hint });
      for (const rec of found.records) coll.remove(rec);
      n += found.records.length;
    });
    return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
  }

  private runFind(cmd: Doc, db: string): { result?: FindResult; ns: string; filter: Doc } {
    const name = collectionName(cmd, 'find');
    checkCollation(cmd.collation);
    if (cmd.tailable || cmd.awaitData) throw notSupported('tailable cursors');
    const filter = (cmd.filter ?? {}) as Doc;
    if (!isPlainObject(filter))
      throw commandError(
        'TypeMismatch',
        "BSON field 'FindCommandRequest.filter' is the wrong type, expected type 'object'",
      );
    const skip = asNumber(cmd.skip, 'skip', 0)!;
    if (skip < 0) throw commandError('BadValue', 'skip value must be non-negative');
    const limit = asNumber(cmd.limit, 'limit', 0)!;
    if (limit < 0) throw commandError('BadValue', 'limit value must be non-negative');
    const sort = cmd.sort as Doc | undefined;
    if (sort !== undefined && !isPlainObject(sort))
      throw commandError('TypeMismatch', 'sort must be an object');
    const coll = this.collection(db, name);
    const ns = `${db}.${name}`;
    if (!coll) {
      compileFilter(filter);
      parseSort(sort);
      return { ns, filter };
    }
    return { result: coll.find(filter, { sort, skip, limit, hint: cmd.hint }), ns, filter };
  }

  private find(cmd: Doc, db: string): Reply {
    const { result, ns, filter } = this.runFind(cmd, db);
    const project = projector(filter, cmd.projection);
    const batchSize = asNumber(cmd.batchSize, 'batchSize');
    if (batchSize !== undefined && batchSize < 0)
      throw commandError('BadValue', 'batchSize value must be non-negative');
    const limit = asNumber(cmd.limit, 'limit', 0)!;
    const single = cmd.singleBatch === true;
    let first = batchSize;
    if (limit > 0 && (first === undefined || first > limit)) first = limit;
    return this.state.cursorReply(
      ns,
      result?.docs ?? [],
      first,
      single,
      project,
      cmd.noCursorTimeout === true,
    );
  }

  private explain(cmd: Doc, db: string): Doc {
    const inner = cmd.explain;
    if (!isPlainObject(inner))
      throw commandError('BadValue', 'explain command requires a nested object');
    const verb = Object.keys(inner)[0];
    let result: FindResult | undefined;
    let ns: string;
    if (verb === 'find') {
      const r = this.runFind({ ...inner, $db: db }, db);
      result = r.result;
      ns = r.ns;
    } else if (
      verb === 'count' ||
      verb === 'distinct' ||
      verb === 'update' ||
      verb === 'delete' ||
      verb === 'findAndModify'
    ) {
      const name = collectionName(inner, verb);
      ns = `${db}.${name}`;
      const coll = this.collection(db, name);
      const filter =
        verb === 'count' || verb === 'distinct' || verb === 'findAndModify'
          ? ((inner.query ?? {}) as Doc)
          : (((inner[verb === 'update' ? 'updates' : 'deletes'] as Doc[] | undefined)?.[0]?.q ??
              {}) as Doc);
      result = coll?.find(filter);
    } else {
      throw notSupported(`explain of ${verb}`);
    }
    const plan = result?.plan;
    const winningPlan = plan?.index
      ? {
          stage: 'FETCH',
          inputStage: {
            stage: 'IXSCAN',
            indexName: plan.index.name,
            keyPattern: plan.index.spec.key,
            direction: plan.reverse ? 'backward' : 'forward',
          },
        }
      : { stage: 'COLLSCAN', direction: 'forward' };
    return {
      queryPlanner: { namespace: ns, winningPlan, rejectedPlans: [] },
      executionStats: {
        executionSuccess: true,
        nReturned: result?.docs.length ?? 0,
        executionTimeMillis: 0,
        totalKeysExamined: result?.keysExamined ?? 0,
        totalDocsExamined: result?.docsExamined ?? 0,
      },
      serverInfo: { host: 'localhost', port: 0, version: '7.0.0' },
      ok: 1,
    };
  }

  private killCursors(cmd: Doc): Doc {
    const ids = (cmd.cursors ?? []) as unknown[];
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const id = typeof raw === 'number' ? Long.fromNumber(raw) : (raw as Long);
      if (this.state.cursors.delete(id.toString())) killed.push(id);
      else notFound.push(id);
    }
    return {
      cursorsKilled: killed,
      cursorsNotFound: notFound,
      cursorsAlive: [],
      cursorsUnknown: [],
      ok: 1,
    };
  }

  private findAndModify(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'findAndModify');
    checkCollation(cmd.collation);
    const filter = (cmd.query ?? {}) as Doc;
    if (!isPlainObject(filter))
      throw commandError('TypeMismatch', "BSON field 'query' must be an object");
    const remove = cmd.remove === true;
    const u = cmd.update;
    if (remove && u !== undefined)
      throw commandError('FailedToParse', 'Cannot specify both an update and remove=true');
    if (!remove && u === undefined)
      throw commandError('FailedToParse', 'Either an update or remove=true must be specified');
    if (remove && cmd.upsert === true)
      throw commandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
    if (remove && cmd.new === true)
      throw commandError(
        'FailedToParse',
        "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
      );
    const project = projector(filter, cmd.fields);
    const shape = (doc: Doc | null) => (doc && project ? project([doc])[0] : doc);
    const coll = remove ? this.collection(db, name) : this.collectionForWrite(db, name);
    const found = coll?.find(filter, {
      sort: cmd.sort as Doc | undefined,
      limit: 1,
      hint: cmd.hint,
    });
    const rec = found?.records[0];
    if (remove) {
      if (!rec || !coll) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
      coll.remove(rec);
      return { lastErrorObject: { n: 1 }, value: shape(rec.doc), ok: 1 };
    }
    const kind = updateKind(u);
    const arrayFilters = cmd.arrayFilters as Doc[] | undefined;
    if (!rec) {
      if (cmd.upsert !== true)
        return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const doc = upsertDocument(filter, u, arrayFilters);
      checkId(doc._id);
      checkDocumentSize(doc);
      coll!.insert(doc);
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
        value: cmd.new === true ? shape(doc) : null,
        ok: 1,
      };
    }
    const before = rec.doc;
    const r = this.applyUpdate(rec, u, kind, filter, arrayFilters);
    if (r.changed) {
      checkDocumentSize(r.doc);
      coll!.replace(rec, r.doc);
    }
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: shape(cmd.new === true ? rec.doc : before),
      ok: 1,
    };
  }

  private aggregate(cmd: Doc, db: string): Reply {
    const pipeline = cmd.pipeline;
    if (!Array.isArray(pipeline))
      throw commandError('TypeMismatch', "'pipeline' option must be specified as an array");
    checkCollation(cmd.collation);
    if (!isPlainObject(cmd.cursor) && cmd.explain !== true) {
      throw commandError(
        'FailedToParse',
        "The 'cursor' option is required, except for aggregate with the explain argument",
      );
    }
    for (const stage of pipeline) {
      if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
        throw commandError(
          'Location40324',
          'A pipeline stage specification object must contain exactly one field.',
        );
      }
      const stageName = Object.keys(stage)[0];
      if (UNSUPPORTED_STAGES[stageName]) throw UNSUPPORTED_STAGES[stageName]();
      checkSkipOrLimit(stage);
    }
    if (cmd.explain === true) throw notSupported('aggregate explain');
    if (typeof cmd.aggregate !== 'string') throw notSupported('database-level aggregate');
    const name = collectionName(cmd, 'aggregate');
    const coll = this.collection(db, name);
    const batchSize = asNumber((cmd.cursor as Doc | undefined)?.batchSize, 'batchSize');
    const reply = (docs: Doc[]) => this.state.cursorReply(`${db}.${name}`, docs, batchSize, false);
    let stages = pipeline as Doc[];
    let input: Doc[];
    const first = stages[0];
    if (first && '$match' in first && isPlainObject(first.$match)) {
      const matchFilter = first.$match as Doc;
      const rest = stages.slice(1);
      const count = countOnly(rest);
      if (count) {
        // countDocuments: the matches are counted where they are, none is copied or grouped.
        const n = coll
          ? coll.find(matchFilter, { skip: count.skip, limit: count.limit, hint: cmd.hint }).records
              .length
          : 0;
        return reply(n === 0 ? [] : [{ _id: count.id, [count.field]: n * count.each }]);
      }
      let sort: Doc | undefined;
      let limit = 0;
      let consumed = 0;
      if (rest[0] && '$sort' in rest[0] && isPlainObject(rest[0].$sort)) {
        sort = rest[0].$sort as Doc;
        consumed = 1;
        if (rest[1] && '$limit' in rest[1]) {
          limit = asNumber(rest[1].$limit, '$limit')!;
          consumed = 2;
        }
      }
      input = coll ? coll.find(matchFilter, { sort, limit, hint: cmd.hint }).docs : [];
      stages = rest.slice(consumed);
    } else {
      input = coll ? Array.from(coll.records.values(), (r) => r.doc) : [];
    }
    const database = this.state.databases.get(db);
    const resolver = (other: string): Doc[] => {
      const c = database?.get(other);
      return c ? Array.from(c.records.values(), (r) => cloneDoc(r.doc)) : [];
    };
    let docs = input.map(cloneDoc);
    if (stages.length > 0) {
      const rewritten = rewritePipeline(stages);
      try {
        docs = new Aggregator(rewritten, { ...queryOptions(), collectionResolver: resolver }).run(
          docs,
        ) as Doc[];
      } catch (e) {
        if (e instanceof MongoCommandError) throw e;
        throw commandError('BadValue', (e as Error).message);
      }
    }
    return reply(docs);
  }

  private count(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'count');
    checkCollation(cmd.collation);
    const coll = this.collection(db, name);
    const query = (cmd.query ?? {}) as Doc;
    if (!coll) {
      compileFilter(query);
      return { n: 0, ok: 1 };
    }
    const skip = asNumber(cmd.skip, 'skip', 0)!;
    const limit = Math.abs(asNumber(cmd.limit, 'limit', 0)!);
    return { n: coll.count(query, skip, limit), ok: 1 };
  }

  private distinct(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'distinct');
    checkCollation(cmd.collation);
    const key = cmd.key;
    if (typeof key !== 'string')
      throw commandError(
        'TypeMismatch',
        "BSON field 'distinct.key' is missing but a required field",
      );
    const coll = this.collection(db, name);
    const query = (cmd.query ?? {}) as Doc;
    if (!coll) {
      compileFilter(query);
      return { values: [], ok: 1 };
    }
    const seen = new Map<string, unknown>();
    const parts = key.split('.');
    for (const doc of coll.find(query, { hint: cmd.hint }).docs) {
      for (const v of pathValues(doc, parts)) {
        if (v === undefined) continue;
        const k = keyString(v);
        if (!seen.has(k)) seen.set(k, v);
      }
    }
    const values = Array.from(seen.values()).sort(compareValues);
    return { values, ok: 1 };
  }

  private createIndexes(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'createIndexes');
    const specs = cmd.indexes;
    if (!Array.isArray(specs) || specs.length === 0)
      throw commandError('BadValue', 'Must specify at least one index to create');
    const { coll, created } = this.state.db(db).getOrCreate(name);
    const before = coll.indexes.length;
    const toBuild: IndexSpec[] = [];
    for (const raw of specs as Doc[]) {
      const spec = validateIndexSpec(raw);
      const existing =
        coll.findIndexByName(spec.name)?.spec ?? toBuild.find((t) => t.name === spec.name);
      const sameKey = coll.findIndexByKey(spec.key);
      if (existing) {
        if (keyString(existing.key) !== keyString(spec.key)) {
          throw commandError(
            'IndexKeySpecsConflict',
            `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${describeSpec(spec)}, existing index: ${describeSpec(existing)}`,
          );
        }
        if (!sameOptions(existing, spec)) {
          throw commandError(
            'IndexOptionsConflict',
            `An equivalent index already exists with the same name but different options. Requested index: ${describeSpec(spec)}, existing index: ${describeSpec(existing)}`,
          );
        }
        continue;
      }
      if (sameKey) {
        if (sameOptions(sameKey.spec, spec)) {
          throw commandError(
            'IndexOptionsConflict',
            `Index already exists with a different name: ${sameKey.name}`,
          );
        }
        throw commandError(
          'IndexOptionsConflict',
          `An equivalent index already exists with a different name and options. Requested index: ${describeSpec(spec)}, existing index: ${describeSpec(sameKey.spec)}`,
        );
      }
      toBuild.push(spec);
    }
    const built: string[] = [];
    try {
      for (const spec of toBuild) {
        coll.addIndex(spec);
        built.push(spec.name);
      }
    } catch (e) {
      for (const n of built) coll.dropIndex(coll.findIndexByName(n)!);
      if (e instanceof MongoCommandError && e.code === 11000) {
        throw commandError('DuplicateKey', `Index build failed: ${e.message}`, e.extra);
      }
      throw e;
    }
    const out: Doc = {
      numIndexesBefore: before,
      numIndexesAfter: coll.indexes.length,
      createdCollectionAutomatically: created,
      ok: 1,
    };
    if (toBuild.length === 0) out.note = 'all indexes already exist';
    return out;
  }

  private listIndexes(cmd: Doc, db: string): Reply {
    const name = collectionName(cmd, 'listIndexes');
    const coll = this.collection(db, name);
    if (!coll) throw commandError('NamespaceNotFound', `ns does not exist: ${db}.${name}`);
    const cursor = (cmd.cursor ?? {}) as Doc;
    return this.state.cursorReply(
      `${db}.${name}`,
      coll.indexes.map((i) => i.describe()),
      asNumber(cursor.batchSize, 'batchSize'),
      false,
    );
  }

  private dropIndexes(cmd: Doc, db: string, verb: string): Doc {
    const name = collectionName(cmd, verb);
    const coll = this.collection(db, name);
    if (!coll) throw commandError('NamespaceNotFound', `ns not found ${db}.${name}`);
    const was = coll.indexes.length;
    const which = cmd.index;
    const drop = (idxName: string) => {
      if (idxName === '_id_') throw commandError('InvalidOptions', 'cannot drop _id index');
      const idx = coll.findIndexByName(idxName);
      if (!idx) throw commandError('IndexNotFound', `index not found with name [${idxName}]`);
      coll.dropIndex(idx);
    };
    if (which === '*') {
      for (const idx of coll.indexes.slice(1)) coll.dropIndex(idx);
    } else if (typeof which === 'string') drop(which);
    else if (Array.isArray(which)) {
      for (const n of which)
        if (!coll.findIndexByName(String(n)))
          throw commandError('IndexNotFound', `index not found with name [${n}]`);
      for (const n of which) drop(String(n));
    } else if (isPlainObject(which)) {
      const idx = coll.findIndexByKey(which);
      if (!idx)
        throw commandError('IndexNotFound', `can't find index with key: ${JSON.stringify(which)}`);
      if (idx.name === '_id_') throw commandError('InvalidOptions', 'cannot drop _id index');
      coll.dropIndex(idx);
    } else throw commandError('TypeMismatch', "BSON field 'dropIndexes.index' is the wrong type");
    return { nIndexesWas: was, ok: 1 };
  }

  private listCollections(cmd: Doc, db: string): Reply {
    const database = this.state.databases.get(db);
    const filter = (cmd.filter ?? {}) as Doc;
    const query = compileFilter(filter);
    const nameOnly = cmd.nameOnly === true;
    const infos: Doc[] = [];
    for (const coll of database?.collections.values() ?? []) {
      const info: Doc = nameOnly
        ? { name: coll.name, type: 'collection' }
        : {
            name: coll.name,
            type: 'collection',
            options: {},
            info: { readOnly: false },
            idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
          };
      if (query.test(info)) infos.push(info);
    }
    const cursor = (cmd.cursor ?? {}) as Doc;
    return this.state.cursorReply(
      `${db}.$cmd.listCollections`,
      infos,
      asNumber(cursor.batchSize, 'batchSize'),
      false,
    );
  }

  private create(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'create');
    for (const opt of [
      'capped',
      'viewOn',
      'timeseries',
      'clusteredIndex',
      'validator',
      'changeStreamPreAndPostImages',
    ]) {
      if (cmd[opt] !== undefined && cmd[opt] !== false) throw notSupported(`create with '${opt}'`);
    }
    checkCollation(cmd.collation);
    const { created } = this.state.db(db).getOrCreate(name);
    if (!created) throw commandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    return { ok: 1 };
  }

  private drop(cmd: Doc, db: string): Doc {
    const name = collectionName(cmd, 'drop');
    const database = this.state.databases.get(db);
    const coll = database?.get(name);
    if (!coll) return { ok: 1 };
    database!.collections.delete(name);
    for (const [id, cursor] of this.state.cursors)
      if (cursor.ns === coll.ns) this.state.cursors.delete(id);
    return { ns: coll.ns, nIndexesWas: coll.indexes.length, ok: 1 };
  }

  private renameCollection(cmd: Doc): Doc {
    const from = String(cmd.renameCollection ?? '');
    const to = String(cmd.to ?? '');
    const split = (ns: string) => {
      const dot = ns.indexOf('.');
      if (dot <= 0 || dot === ns.length - 1)
        throw commandError('InvalidNamespace', `Invalid namespace specified '${ns}'`);
      return [ns.slice(0, dot), ns.slice(dot + 1)];
    };
    const [fromDb, fromName] = split(from);
    const [toDb, toName] = split(to);
    if (fromDb !== toDb) throw notSupported('renameCollection across databases');
    const database = this.state.databases.get(fromDb);
    const source = database?.get(fromName);
    if (!source)
      throw commandError('NamespaceNotFound', `Source collection ${from} does not exist`);
    if (from === to) throw commandError('IllegalOperation', "Can't rename a collection to itself");
    if (database!.get(toName)) {
      if (cmd.dropTarget !== true) throw commandError('NamespaceExists', 'target namespace exists');
      database!.collections.delete(toName);
    }
    database!.collections.delete(fromName);
    const moved = new Collection(toDb, toName);
    moved.indexes.length = 0;
    for (const idx of source.indexes) {
      moved.indexes.push(new CollectionIndex(idx.spec, moved.ns));
    }
    for (const rec of source.records.values()) moved.insert(rec.doc);
    database!.collections.set(toName, moved);
    return { ok: 1 };
  }

  private listDatabases(cmd: Doc): Doc {
    const databases = Array.from(this.state.databases.values())
      .filter((d) => d.collections.size > 0)
      .map((d) => ({ name: d.name, sizeOnDisk: 0, empty: false }));
    if (cmd.nameOnly === true)
      return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
    return { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
  }
}

function checkId(id: unknown): void {
  if (Array.isArray(id)) throw commandError('BadValue', "can't use an array for _id");
  if (id instanceof RegExp) throw commandError('BadValue', "can't use a regex for _id");
}

const INDEX_OPTIONS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'v',
  'background',
  'ns',
  'hidden',
]);

function validateIndexSpec(raw: Doc): IndexSpec {
  if (!isPlainObject(raw))
    throw commandError('TypeMismatch', 'index specification must be an object');
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0) {
    throw commandError(
      'CannotCreateIndex',
      "Error in specification { ... } :: caused by :: The 'key' field must be a non-empty object",
    );
  }
  const normalized: Record<string, number> = {};
  for (const [field, dir] of Object.entries(key)) {
    if (typeof dir === 'string') throw notSupported(`${dir} indexes`);
    const d = typeof dir === 'number' ? dir : Number((dir as { valueOf(): unknown })?.valueOf?.());
    if (!Number.isFinite(d) || d === 0) {
      throw commandError(
        'CannotCreateIndex',
        `Values in the index key pattern can't be 0 or non-numeric: ${field}`,
      );
    }
    normalized[field] = d;
  }
  if (typeof raw.name !== 'string' || raw.name.length === 0) {
    throw commandError(
      'FailedToParse',
      "The 'name' field is a required property of an index specification",
    );
  }
  if (raw.collation !== undefined) checkCollation(raw.collation);
  for (const opt of Object.keys(raw)) {
    if (opt === 'collation') continue;
    if (!INDEX_OPTIONS.has(opt)) throw notSupported(`index option '${opt}'`);
  }
  if (raw.hidden === true) throw notSupported('hidden indexes');
  if (raw.expireAfterSeconds !== undefined) throw notSupported('TTL indexes (expireAfterSeconds)');
  return {
    name: raw.name,
    key: normalized,
    unique: raw.unique === true || raw.unique === 1 ? true : undefined,
    sparse: raw.sparse === true || raw.sparse === 1 ? true : undefined,
    partialFilterExpression: isPlainObject(raw.partialFilterExpression)
      ? raw.partialFilterExpression
      : undefined,
  };
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return (
    !!a.unique === !!b.unique &&
    !!a.sparse === !!b.sparse &&
    keyString(a.partialFilterExpression ?? null) === keyString(b.partialFilterExpression ?? null)
  );
}

function describeSpec(s: IndexSpec): string {
  const parts = [`key: ${JSON.stringify(s.key)}`, `name: "${s.name}"`];
  if (s.unique) parts.push('unique: true');
  if (s.sparse) parts.push('sparse: true');
  return `{ v: 2, ${parts.join(', ')} }`;
}
