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

export class ReadModelStore {
  constructor(
    readonly db: Db,
    readonly version: number,
  ) {}

  collection<C extends CollectionName>(collection: C): Collection<DocTypes[C]> {
    return this.db.collection<DocTypes[C]>(collectionName(collection, this.version));
  }

  async ensureIndexes(): Promise<void> {
    for (const c of WRITE_ORDER) {
      if (INDEXES[c].length > 0) await this.collection(c).createIndexes(INDEXES[c]);
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
   * durable before the next. A document new to the writer is inserted, and one it loaded is replaced
   * only while the stored `pos` is older; either way a duplicate key means "already there".
   */
  async write(changes: { [C in CollectionName]?: DocTypes[C][] }, created?: { [C in CollectionName]?: Set<string> }): Promise<void> {
    for (const step of WRITE_STEPS) {
      await Promise.all(step.map((c) => this.writeCollection(c, changes[c] as Array<DocTypes[CollectionName]> | undefined, created?.[c])));
    }
  }

  private async writeCollection(c: CollectionName, docs: Array<DocTypes[CollectionName]> | undefined, created: Set<string> | undefined): Promise<void> {
    if (!docs || docs.length === 0) return;
    const isNew = (id: string) => INSERT_ONCE.has(c) || (created?.has(id) ?? false);
    const ops = docs.map((doc) =>
      isNew(doc._id)
        ? { insertOne: { document: doc } }
        : { replaceOne: { filter: { _id: doc._id, pos: { $lt: doc.pos } }, replacement: doc, upsert: true } },
    ) as unknown as AnyBulkWriteOperation<Document>[];
    await bulkWriteTolerant(this.db.collection(collectionName(c, this.version)), ops);
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
