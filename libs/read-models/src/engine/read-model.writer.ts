/**
 * Applies batches of events to the MongoDB read models: loads every document the batch
 * touches (a few `$in` queries per batch, fewer with the cache), folds the events into them
 * in memory, and writes each changed document once. A live event is a batch of one.
 *
 * The cache keeps documents between batches; it is only valid because this writer is the
 * sole writer of its version's collections, and it is dropped on any failure so the retry
 * starts again from what MongoDB holds.
 */
import type { StoredEvent } from '@qa/event-store';
import type { DocSet, ProjectedEvent } from './projection.context';
import { INSERT_ONCE, WRITE_ORDER, type CollectionName, type DocTypes } from './read-model.documents';
import { ReadModelProjection, toProjected, type DocKey } from './read-model.projection';
import type { ReadModelStore } from './read-model.store';

type AnyDoc = DocTypes[CollectionName];

export interface WriterOptions {
  /** Documents kept per collection between batches (default 50,000). */
  cacheSize?: number;
}

export class ReadModelWriter {
  private readonly cache = new Map<CollectionName, Map<string, AnyDoc | null>>();
  private readonly cacheSize: number;

  constructor(
    readonly store: ReadModelStore,
    readonly projection = new ReadModelProjection(),
    options: WriterOptions = {},
  ) {
    this.cacheSize = options.cacheSize ?? 50_000;
    for (const c of WRITE_ORDER) this.cache.set(c, new Map());
  }

  /** Handles events in `$all` order; resolves once every change they make is durable. */
  async handle(stored: StoredEvent[]): Promise<void> {
    const events = stored.map(toProjected).filter((e): e is ProjectedEvent => e !== null);
    if (events.length === 0) return;
    try {
      await this.preload(events);
      const dirty = new Map<CollectionName, Map<string, AnyDoc>>(WRITE_ORDER.map((c) => [c, new Map()]));
      const docs: DocSet = {
        get: <C extends CollectionName>(c: C, id: string) => {
          const changed = dirty.get(c)!.get(id);
          if (changed) return changed as DocTypes[C];
          if (INSERT_ONCE.has(c)) return null;
          const cached = this.cache.get(c)!.get(id);
          if (cached === undefined) throw new Error(`read model ${c}/${id} was not loaded`);
          return cached as DocTypes[C] | null;
        },
        put: (c, doc) => {
          dirty.get(c)!.set(doc._id, doc);
        },
      };
      for (const event of events) this.projection.apply(docs, event);
      // Documents MongoDB did not have when loaded are inserted rather than replaced.
      const created = Object.fromEntries(
        WRITE_ORDER.map((c) => [c, new Set([...dirty.get(c)!.keys()].filter((id) => this.cache.get(c)!.get(id) === null))]),
      );
      await this.store.write(
        Object.fromEntries(WRITE_ORDER.map((c) => [c, [...dirty.get(c)!.values()]])) as Parameters<ReadModelStore['write']>[0],
        created,
      );
      for (const c of WRITE_ORDER) {
        if (INSERT_ONCE.has(c)) continue;
        const cache = this.cache.get(c)!;
        for (const [id, doc] of dirty.get(c)!) {
          cache.delete(id);
          cache.set(id, doc);
        }
        this.evict(cache);
      }
    } catch (error) {
      this.clearCache();
      throw error;
    }
  }

  clearCache(): void {
    for (const c of WRITE_ORDER) this.cache.get(c)!.clear();
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
    const peek = <C extends CollectionName>(c: C, id: string) =>
      this.cache.get(c)!.get(id) as DocTypes[C] | null | undefined;
    for (let round = 0; round < 3; round += 1) {
      const missing = new Map<CollectionName, Set<string>>();
      for (const event of events) {
        for (const [c, id] of this.projection.keysFor(event, peek) as DocKey[]) {
          if (this.cache.get(c)!.has(id)) continue;
          if (!missing.has(c)) missing.set(c, new Set());
          missing.get(c)!.add(id);
        }
      }
      if (missing.size === 0) return;
      await Promise.all(
        [...missing].map(async ([c, ids]) => {
          const found = await this.store.load(c, [...ids]);
          const cache = this.cache.get(c)!;
          for (const id of ids) cache.set(id, null);
          for (const doc of found) cache.set(doc._id, doc);
        }),
      );
    }
  }
}
