/**
 * Finds the read models the API should read: the active version, re-read at most every
 * `refreshMs` so a switch after a replay is followed within that time without a query
 * per request.
 */
import type { Db } from 'mongodb';
import { activeVersion } from './read-model.meta';
import { ReadModelStore } from './read-model.store';

export class ReadModelLocator {
  private current: { store: ReadModelStore; at: number } | null = null;
  private pending: Promise<ReadModelStore> | null = null;

  constructor(
    readonly db: Db,
    private readonly refreshMs = 500,
  ) {}

  async store(): Promise<ReadModelStore> {
    const now = Date.now();
    if (this.current && now - this.current.at < this.refreshMs) return this.current.store;
    this.pending ??= activeVersion(this.db)
      .then((version) => {
        const store = this.current?.store.version === version ? this.current.store : new ReadModelStore(this.db, version);
        this.current = { store, at: Date.now() };
        return store;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
}
