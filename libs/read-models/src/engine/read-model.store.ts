/**
 * The read models' MongoDB collections for one version (`questions_v3`, ...): a replay builds
 * the next version beside the one being served and the API switches once it has caught up.
 * Writes are guarded: a mutable document is replaced only while its stored `pos` is below the
 * new one, and per-event documents are inserted once, so a redo after a crash is harmless.
 */
import type { AnyBulkWriteOperation, Collection, Db, Document, IndexDescription } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';
import { INSERT_ONCE, WRITE_ORDER, WRITE_STEPS, type CollectionName, type DocTypes } from './read-model.documents';

/** Indexes per collection: every list and lookup the queries make uses one of these. */
export const INDEXES: { [C in CollectionName]: IndexDescription[] } = {
  users: [
    { key: { usernameLower: 1 }, name: 'usernameLower', unique: true },
    { key: { points: -1, _id: 1 }, name: 'points' },
  ],
  categories: [{ key: { slug: 1 }, name: 'slug' }],
  listCounts: [],
  questions: [
    // one per sort, alone and behind each filter (category subtree, tag); `answers` also
    // serves `unanswered` (answerCount: 0, then newest first)
    ...(['', 'categoryPath', 'tags'] as const).flatMap((prefix) => {
      const lead = prefix ? { [prefix]: 1 } : {};
      const name = prefix ? `${prefix}_` : '';
      return [
        { key: { ...lead, hidden: 1, askedAt: -1, _id: -1 }, name: `${name}recent` },
        { key: { ...lead, hidden: 1, hotScore: -1, _id: -1 }, name: `${name}hot` },
        { key: { ...lead, hidden: 1, netVotes: -1, askedAt: -1, _id: -1 }, name: `${name}votes` },
        { key: { ...lead, hidden: 1, answerCount: -1, askedAt: -1, _id: -1 }, name: `${name}answers` },
      ] as IndexDescription[];
    }),
  ],
  posts: [{ key: { questionId: 1, postedAt: 1 }, name: 'questionId' }],
  revisions: [{ key: { postId: 1, revision: 1 }, name: 'postId' }],
  ledger: [{ key: { userId: 1, pos: 1, _id: 1 }, name: 'userId' }],
};

export const collectionName = (collection: CollectionName, version: number) => `${collection}_v${version}`;

const DUPLICATE_KEY = 11000;
const LOAD_CHUNK = 250;
/**
 * Writes per command. A replay's batch changes hundreds of thousands of documents; sent as
 * the driver would (100,000 per command), each command held the embedded server, which runs
 * one command at a time, for seconds, and every read of the API with it.
 */
export const WRITE_CHUNK = 2_000;

export class ReadModelStore {
  constructor(
    readonly db: Db,
    readonly version: number,
  ) {}

  collection<C extends CollectionName>(collection: C): Collection<DocTypes[C]> {
    return this.db.collection<DocTypes[C]>(collectionName(collection, this.version));
  }

  /**
   * Creates the indexes (existing ones are left alone). `first` creates those a build from
   * empty collections wants from the start: the unique ones (constraints every write must
   * meet) and those of the insert-once collections (each entry is added once, where it
   * belongs, and never moves). The others, on documents every update may move in them, are
   * cheaper built once over the data.
   */
  async ensureIndexes(which: 'all' | 'first' = 'all'): Promise<void> {
    for (const c of WRITE_ORDER) {
      const indexes = INDEXES[c].filter((index) => which === 'all' || index.unique === true || INSERT_ONCE.has(c));
      // One index per command: the embedded server answers no one while it builds, so a
      // build over a whole replayed collection holds the API (still serving the previous
      // version) for one index at a time rather than for all of a collection's.
      for (const index of indexes) await this.collection(c).createIndexes([index]);
    }
  }

  /** Documents by id, per collection (in chunks: long `$in` lists cost more than several short ones). */
  async load<C extends CollectionName>(collection: C, ids: string[]): Promise<DocTypes[C][]> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += LOAD_CHUNK) chunks.push(ids.slice(i, i + LOAD_CHUNK));
    const found = await Promise.all(
      chunks.map((chunk) =>
        this.db
          .collection(collectionName(collection, this.version))
          .find({ _id: { $in: chunk } } as Document)
          .toArray(),
      ),
    );
    return found.flat() as unknown as DocTypes[C][];
  }

  /**
   * Writes changed documents step by step (WRITE_STEPS, the groups of WRITE_ORDER), each step
   * durable before the next. A document new to the writer is inserted; one it loaded is
   * updated only while the stored `pos` is older, either with just the fields that differ from
   * `before` (the stored document the writer changed: less to send, parse and re-index) or,
   * without it, replaced whole. A duplicate key or an unmatched guard means "already there".
   */
  async write(
    changes: { [C in CollectionName]?: DocTypes[C][] },
    created?: { [C in CollectionName]?: Set<string> },
    before?: { [C in CollectionName]?: Map<string, DocTypes[C]> },
  ): Promise<void> {
    for (const step of WRITE_STEPS) {
      await Promise.all(
        step.map((c) =>
          this.writeCollection(
            c,
            changes[c] as Array<DocTypes[CollectionName]> | undefined,
            created?.[c],
            before?.[c] as Map<string, DocTypes[CollectionName]> | undefined,
          ),
        ),
      );
    }
  }

  private async writeCollection(
    c: CollectionName,
    docs: Array<DocTypes[CollectionName]> | undefined,
    created: Set<string> | undefined,
    before: Map<string, DocTypes[CollectionName]> | undefined,
  ): Promise<void> {
    if (!docs || docs.length === 0) return;
    const isNew = (id: string) => INSERT_ONCE.has(c) || (created?.has(id) ?? false);
    const ops = docs.map((doc) => {
      if (isNew(doc._id)) return { insertOne: { document: doc } };
      const filter = { _id: doc._id, pos: { $lt: doc.pos } };
      const prior = before?.get(doc._id);
      if (!prior) return { replaceOne: { filter, replacement: doc, upsert: true } };
      return { updateOne: { filter, update: fieldChanges(prior as Document, doc as Document) } };
    }) as unknown as AnyBulkWriteOperation<Document>[];
    const collection = this.db.collection(collectionName(c, this.version));
    for (let i = 0; i < ops.length; i += WRITE_CHUNK) await bulkWriteTolerant(collection, ops.slice(i, i + WRITE_CHUNK));
  }

  async drop(): Promise<void> {
    const existing = new Set(
      (await this.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
    );
    for (const c of WRITE_ORDER) {
      const name = collectionName(c, this.version);
      if (existing.has(name)) await this.db.collection(name).drop();
    }
  }
}

/**
 * The update that turns `before` into `after` as a replacement would: top-level fields that
 * differ are set (undefined stored as null, as the driver serialises it), fields `after` lacks
 * are unset. `pos` always differs, so the update is never empty.
 */
export function fieldChanges(before: Document, after: Document): Document {
  const set: Document = {};
  const unset: Document = {};
  for (const [key, value] of Object.entries(after)) {
    if (key === '_id') continue;
    const next = value === undefined ? null : value;
    if (!(key in before) || !sameValue(before[key], next)) set[key] = next;
  }
  for (const key of Object.keys(before)) if (!(key in after)) unset[key] = '';
  return Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
}

/** Deep equality of stored values (plain objects, arrays, scalars); anything else by identity. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  // key order matters to BSON equality, so it matters here too
  return ka.every((k, i) => k === kb[i] && sameValue((a as Document)[k], (b as Document)[k]));
}

/**
 * A guarded replace whose guard fails turns into an insert of an existing `_id`: a duplicate
 * key error that means "already applied", not a failure. Any other error is one.
 */
async function bulkWriteTolerant(collection: Collection<Document>, ops: AnyBulkWriteOperation<Document>[]): Promise<void> {
  try {
    await collection.bulkWrite(ops, { ordered: false });
  } catch (error) {
    if (
      error instanceof MongoBulkWriteError &&
      error.writeErrors &&
      (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).every((e) => e.code === DUPLICATE_KEY) &&
      !error.writeConcernError
    ) {
      return;
    }
    throw error;
  }
}
