/**
 * Turns stored documents into API.md's shapes: authors with their current points (looked up
 * by id in one `$in` query per response, since points change all the time), ids as strings,
 * times as ISO strings, no email ever.
 */
import { Coalescer } from '@qa/common';
import { Long, type Db, type Document } from 'mongodb';
import type {
  AuthorRef,
  CollectionName,
  DocTypes,
  EditedDoc,
  UserDoc,
} from '../engine/read-model.documents';
import { collectionName, type ReadModelStore } from '../engine/read-model.store';

export interface FindSpec {
  filter: Document;
  projection?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  /** The first batch's size (default: `limit`, else the server's default). */
  batchSize?: number;
}

type CursorId = number | bigint | Long;

const isOpen = (id: CursorId): boolean =>
  typeof id === 'number' ? id !== 0 : typeof id === 'bigint' ? id !== 0n : !id.isZero();

/**
 * Every document a find matches, read with MongoDB's `find` command (then `getMore` while
 * the server keeps the cursor open) instead of a driver cursor. The page reads are a few
 * small finds per request, and the driver's cursor machinery (options resolution, an async
 * iterator over each document, cursor cleanup) cost about a third more CPU per find than
 * the command itself. The session is explicit because a `getMore` must come in the session
 * that opened the cursor.
 */
export async function findAll<C extends CollectionName>(
  store: ReadModelStore,
  collection: C,
  spec: FindSpec,
): Promise<DocTypes[C][]> {
  const name = collectionName(collection, store.version);
  const session = store.db.client.startSession();
  try {
    const { batchSize = spec.limit, ...find } = spec;
    const reply = await store.db.command(
      { find: name, ...find, ...(batchSize ? { batchSize } : {}) },
      { session },
    );
    let cursor = reply.cursor as { id: CursorId; firstBatch?: Document[]; nextBatch?: Document[] };
    const docs = cursor.firstBatch!;
    while (isOpen(cursor.id)) {
      const id = typeof cursor.id === 'number' ? Long.fromNumber(cursor.id) : cursor.id;
      cursor = (await store.db.command({ getMore: id, collection: name }, { session })).cursor;
      for (const doc of cursor.nextBatch!) docs.push(doc);
    }
    return docs as DocTypes[C][];
  } finally {
    await session.endSession();
  }
}

/** The one document a filter matches first (MongoDB's `findOne`), with the `find` command. */
export async function findFirst<C extends CollectionName>(
  store: ReadModelStore,
  collection: C,
  filter: Document,
  projection?: Document,
): Promise<DocTypes[C] | null> {
  const reply = await store.db.command({
    find: collectionName(collection, store.version),
    filter,
    ...(projection ? { projection } : {}),
    limit: 1,
    singleBatch: true,
  });
  return ((reply.cursor as { firstBatch: DocTypes[C][] }).firstBatch[0] ?? null) as
    DocTypes[C] | null;
}

export type AuthorView =
  { id: string; username: string; points: number } | { id: null; name: string };

export type UserPoints = Map<string, Pick<UserDoc, '_id' | 'username' | 'points'>>;

/** A filter value matching any of `values`: the value itself when there is only one. */
export const oneOrIn = <T>(values: readonly T[]): T | { $in: readonly T[] } =>
  values.length === 1 ? values[0] : { $in: values };

/** The most lookups one `findByIds` find answers. */
const BY_ID_BATCH_MAX = 64;

type ByIdLookups = Coalescer<readonly string[], Map<string, Document>>;

/** Per store, the lookups of this turn of the event loop, by collection and projection. */
const byIdLookups = new WeakMap<ReadModelStore, Map<string, ByIdLookups>>();

/**
 * Documents by `_id`. Lookups asked for in the same turn of the event loop (for the same
 * collection and projection) go to the server as one `$in` find, sent at the end of that
 * turn: a lookup only ever joins a find that has not been sent yet, so what it gets was
 * read after it was asked for. Each caller gets its own ids.
 */
export async function findByIds<C extends CollectionName>(
  store: ReadModelStore,
  collection: C,
  ids: readonly string[],
  projection?: Readonly<Document>,
): Promise<Map<string, DocTypes[C]>> {
  const key = projection ? `${collection} ${JSON.stringify(projection)}` : collection;
  let byKey = byIdLookups.get(store);
  if (!byKey) byIdLookups.set(store, (byKey = new Map()));
  let lookups = byKey.get(key);
  if (!lookups) {
    lookups = new Coalescer(
      async (asked: Array<readonly string[]>) => {
        const all = [...new Set(asked.flat())];
        const docs = await findAll(store, collection, {
          filter: { _id: oneOrIn(all) },
          ...(projection ? { projection } : {}),
          limit: all.length,
        });
        const found = new Map<string, Document>(docs.map((d) => [d._id as string, d]));
        return asked.map((mine) => {
          const theirs = new Map<string, Document>();
          for (const id of mine) {
            const doc = found.get(id);
            if (doc) theirs.set(id, doc);
          }
          return theirs;
        });
      },
      { maxBatch: BY_ID_BATCH_MAX, linger: 'turn', maxInFlight: Infinity },
    );
    byKey.set(key, lookups);
  }
  return (await lookups.submit(ids)) as Map<string, DocTypes[C]>;
}

const USER_POINTS_FIELDS = { username: 1, points: 1 } as const;

/** The current points (and username) of the users among `ids`, by id. */
export async function loadAuthors(
  store: ReadModelStore,
  ids: Iterable<string | null | undefined>,
): Promise<UserPoints> {
  const unique = [...new Set([...ids].filter((id): id is string => !!id))];
  if (unique.length === 0) return new Map();
  return (await findByIds(store, 'users', unique, USER_POINTS_FIELDS)) as UserPoints;
}

export function authorView(ref: AuthorRef, users: UserPoints): AuthorView {
  if (ref.id === null) return { id: null, name: ref.name ?? 'anonymous' };
  const user = users.get(ref.id);
  return { id: ref.id, username: user?.username ?? ref.username, points: user?.points ?? 0 };
}

export function editedView(edited: EditedDoc | null, users: UserPoints) {
  return edited ? { by: authorView(edited.by, users), at: edited.at, reason: edited.reason } : null;
}

export type { Db };
