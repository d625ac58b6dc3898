/**
 * Applies batches of events to the MongoDB read models: loads every document the batch
 * touches (a few `$in` queries per batch, fewer with the cache), folds the events into them
 * in memory, and writes each changed document once. A live event is a batch of one.
 *
 * The cache keeps documents between batches; it is only valid because this writer is the
 * sole writer of its version's collections, and it is dropped on any failure so the retry
 * starts again from what MongoDB holds.
 *
 * Building into empty collections (`assumeEmpty`, a replay from the start), it also keeps the
 * ids of every document it wrote: a document it never wrote does not exist, so it only ever
 * loads one it wrote and has since evicted from the cache.
 */
import type { StoredEvent } from '@qa/event-store';
import type { DocSet, ProjectedEvent } from './projection.context';
import { INSERT_ONCE, WRITE_ORDER, type CollectionName, type DocTypes } from './read-model.documents';
import { ReadModelProjection, toProjected, type DocKey } from './read-model.projection';
import type { ReadModelStore } from './read-model.store';

type AnyDoc = DocTypes[CollectionName];

/** A document the fold needed that was not loaded. */
class NotLoaded extends Error {
  constructor(
    readonly collection: CollectionName,
    readonly id: string,
  ) {
    super(`read model ${collection}/${id} was not loaded`);
  }
}

/** A changed document that was not in the cache before the batch. */
const NOT_CACHED = Symbol('not cached');

/**
 * The documents a fold changed: for a mutable collection, each one's cache entry before the
 * batch (the new one is in the cache); for an insert-once collection, the new document.
 */
type Dirty = Record<CollectionName, Map<string, AnyDoc | null | typeof NOT_CACHED>>;

/** One fresh value (a map, a set) per collection. */
const perCollection = <V>(fresh: () => V): Record<CollectionName, V> =>
  Object.fromEntries(WRITE_ORDER.map((c) => [c, fresh()])) as Record<CollectionName, V>;

export interface WriterOptions {
  /** Documents kept per collection between batches (default 50,000). */
  cacheSize?: number;
}

export class ReadModelWriter {
  private readonly cache = perCollection(() => new Map<string, AnyDoc | null>());
  private readonly cacheSize: number;
  /** Ids written since the collections were empty; null when what MongoDB holds is unknown. */
  private written: Record<CollectionName, Set<string>> | null = null;
  /** The writes of every staged batch, in order; and those of all but the last one. */
  private queue: Promise<void> = Promise.resolve();
  private previous: Promise<void> = Promise.resolve();
  /** Per mutable document still being written: the queued writes that include it. */
  private readonly queuedWrites = perCollection(() => new Map<string, Promise<void>>());
  /** The writes in flight when the cache was last forgotten, settled either way. */
  private writesAtReset: Promise<void> = Promise.resolve();

  constructor(
    readonly store: ReadModelStore,
    readonly projection = new ReadModelProjection(),
    options: WriterOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 50_000;
  }

  /** Handles events in `$all` order; resolves once every change they make is durable. */
  async handle(stored: StoredEvent[]): Promise<void> {
    await this.stage(stored);
    await this.settled();
  }

  /**
   * Folds events in `$all` order into the cache and queues their writes behind those already
   * queued, resolving as soon as they are queued: the next batch can be folded while MongoDB
   * writes this one. `settled()` tells when they are durable; a failed write fails every
   * write queued after it (none of them is sent) and the next `stage` or `settled`.
   */
  async stage(stored: StoredEvent[]): Promise<void> {
    const events = stored.map(toProjected).filter((e): e is ProjectedEvent => e !== null);
    if (events.length === 0) return;
    try {
      await this.preload(events);
      let dirty = this.fold(events);
      // A batch can need a document its first events pointed to only after they were
      // applied (a question re-tagged, then answered): load it and fold the batch again.
      while (dirty instanceof NotLoaded) {
        const missing: NotLoaded = dirty;
        await this.loadInto(missing.collection, [missing.id]);
        dirty = this.fold(events);
      }
      // Documents MongoDB does not have (once the queued writes are done) are inserted rather
      // than replaced, and those it has are updated with the fields the batch changed in them.
      const created: { [C in CollectionName]?: Set<string> } = {};
      const before: { [C in CollectionName]?: Map<string, AnyDoc> } = {};
      const changes: { [C in CollectionName]?: AnyDoc[] } = {};
      for (const c of WRITE_ORDER) {
        const isNew = new Set<string>();
        const prior = new Map<string, AnyDoc>();
        const docs: AnyDoc[] = [];
        const cache = this.cache[c];
        const insertOnly = INSERT_ONCE.has(c);
        for (const [id, entry] of dirty[c]) {
          const stored = this.storedBefore(c, id, entry);
          if (stored === null) isNew.add(id);
          else if (stored) prior.set(id, stored);
          docs.push(insertOnly ? (entry as AnyDoc) : (cache.get(id) as AnyDoc));
        }
        created[c] = isNew;
        before[c] = prior;
        changes[c] = docs;
      }
      const queued = this.queue;
      this.previous = queued;
      this.queue = queued.then(() =>
        this.store.write(
          changes as Parameters<ReadModelStore['write']>[0],
          created,
          before as Parameters<ReadModelStore['write']>[2],
        ),
      );
      // Seen by `settled`; this stops the runtime calling the rejection unhandled meanwhile.
      this.queue.catch(() => undefined);
      // The cache already holds the batch's documents (the fold put them there).
      const writes = this.queue;
      for (const c of WRITE_ORDER) {
        if (INSERT_ONCE.has(c)) continue;
        const written = this.written?.[c];
        const queued = this.queuedWrites[c];
        for (const id of dirty[c].keys()) {
          written?.add(id);
          queued.set(id, writes);
        }
        // An evicted document whose write is still queued is loaded only after it (loadInto).
        this.evict(this.cache[c]);
      }
      void writes.then(
        () => {
          for (const c of WRITE_ORDER) {
            if (INSERT_ONCE.has(c)) continue;
            const queued = this.queuedWrites[c];
            for (const id of dirty[c].keys()) if (queued.get(id) === writes) queued.delete(id);
          }
        },
        () => undefined,
      );
    } catch (error) {
      this.clearCache();
      throw error;
    }
  }

  /** Resolves once every queued write is durable; rejects (and forgets the cache) if one failed. */
  async settled(): Promise<void> {
    await this.wait(this.queue);
  }

  /** Same as `settled`, for every write queued before the last `stage`. */
  async settledBeforeLast(): Promise<void> {
    await this.wait(this.previous);
  }

  private async wait(writes: Promise<void>): Promise<void> {
    try {
      await writes;
    } catch (error) {
      this.clearCache();
      throw error;
    }
  }

  /** Waits for the queued writes, whatever their outcome, then forgets the cache. */
  async reset(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.clearCache();
  }

  /**
   * Applies the events to the cached documents, in place: the cache then holds the batch's
   * result (one lookup per read), and `dirty` what each changed document was before the
   * batch, to write it and to undo the fold. Returns `dirty`, or the first document missing
   * (with the cache as it was before the fold).
   */
  private fold(events: ProjectedEvent[]): Dirty | NotLoaded {
    const dirty: Dirty = perCollection(() => new Map());
    const docs: DocSet = {
      get: <C extends CollectionName>(c: C, id: string) => {
        if (INSERT_ONCE.has(c)) return (dirty[c].get(id) as DocTypes[C] | undefined) ?? null;
        const known = this.known(c, id);
        if (known === undefined) throw new NotLoaded(c, id);
        return known as DocTypes[C] | null;
      },
      put: (c, doc) => {
        const changed = dirty[c];
        if (INSERT_ONCE.has(c)) {
          changed.set(doc._id, doc);
          return;
        }
        const cache = this.cache[c];
        if (!changed.has(doc._id)) {
          const prior = cache.get(doc._id);
          changed.set(doc._id, prior === undefined ? NOT_CACHED : prior);
          // last in the eviction order, as a document just written
          cache.delete(doc._id);
        }
        cache.set(doc._id, doc);
      },
    };
    try {
      for (const event of events) this.projection.apply(docs, event);
    } catch (error) {
      this.undo(dirty);
      if (error instanceof NotLoaded) return error;
      throw error;
    }
    return dirty;
  }

  /** Puts back in the cache what a fold changed. */
  private undo(dirty: Dirty): void {
    for (const c of WRITE_ORDER) {
      if (INSERT_ONCE.has(c)) continue;
      const cache = this.cache[c];
      for (const [id, prior] of dirty[c]) {
        if (prior === NOT_CACHED) cache.delete(id);
        else cache.set(id, prior as AnyDoc | null);
      }
    }
  }

  /** What MongoDB holds of a document the batch changed (null: absent; undefined: unknown). */
  private storedBefore(c: CollectionName, id: string, entry: AnyDoc | null | typeof NOT_CACHED): AnyDoc | null | undefined {
    if (INSERT_ONCE.has(c)) return this.known(c, id);
    if (entry !== NOT_CACHED) return entry;
    return this.neverWritten(c, id);
  }

  private async loadInto(collection: CollectionName, ids: string[]): Promise<void> {
    // What MongoDB holds once the queued writes of these documents are done (the cache may
    // have evicted them); writes of other documents need not be waited for.
    const queued = this.queuedWrites[collection];
    // (after a failure, whatever was still in flight then, whatever its outcome)
    const writes = new Set<Promise<void>>([this.writesAtReset]);
    for (const id of ids) {
      const write = queued.get(id);
      if (write) writes.add(write);
    }
    await Promise.all(writes);
    const found = await this.store.load(collection, ids);
    const cache = this.cache[collection];
    for (const id of ids) cache.set(id, null);
    for (const doc of found) cache.set(doc._id, doc);
  }

  /**
   * Forgets every cached document, and what it wrote: MongoDB is the truth again. Writes
   * queued later still wait for those in flight, but no longer fail with them.
   */
  clearCache(): void {
    for (const c of WRITE_ORDER) this.cache[c].clear();
    this.written = null;
    this.queue = this.queue.catch(() => undefined);
    this.previous = this.queue;
    this.writesAtReset = this.queue;
    for (const c of WRITE_ORDER) this.queuedWrites[c].clear();
  }

  /**
   * The collections are empty and only this writer writes them (a rebuild that just dropped
   * them): until the next `clearCache`, a document it has not written is known not to exist.
   */
  assumeEmpty(): void {
    this.clearCache();
    this.written = perCollection(() => new Set<string>());
  }

  /** The document as MongoDB holds it (null: absent), or undefined when it must be loaded. */
  private known(c: CollectionName, id: string): AnyDoc | null | undefined {
    const cached = this.cache[c].get(id);
    return cached !== undefined ? cached : this.neverWritten(c, id);
  }

  /** null when the collections started empty and the document was never written; else unknown. */
  private neverWritten(c: CollectionName, id: string): null | undefined {
    return this.written && !this.written[c].has(id) ? null : undefined;
  }

  private evict(cache: Map<string, AnyDoc | null>): void {
    let excess = cache.size - this.cacheSize;
    if (excess <= 0) return;
    for (const id of cache.keys()) {
      cache.delete(id);
      if (--excess <= 0) break;
    }
  }

  /** Loads what the batch needs and the cache lacks; a second round for keys that depend on loaded documents. */
  private async preload(events: ProjectedEvent[]): Promise<void> {
    const peek = <C extends CollectionName>(c: C, id: string) => this.known(c, id) as DocTypes[C] | null | undefined;
    for (let round = 0; round < 3; round += 1) {
      const missing = new Map<CollectionName, Set<string>>();
      for (const event of events) {
        for (const [c, id] of this.projection.keysFor(event, peek) as DocKey[]) {
          if (this.known(c, id) !== undefined) continue;
          if (!missing.has(c)) missing.set(c, new Set());
          missing.get(c)!.add(id);
        }
      }
      if (missing.size === 0) return;
      await Promise.all([...missing].map(([c, ids]) => this.loadInto(c, [...ids])));
    }
  }
}
