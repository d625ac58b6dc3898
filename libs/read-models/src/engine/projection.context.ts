/**
 * What a projection sees while it applies one event: the documents it may read or change,
 * and the guard. `update` skips a document that already holds this event (its `pos` is at
 * or past the event's), which is what makes re-delivery and replay harmless.
 */
import type { DomainEvent, PointsRules } from '@qa/domain';
import type { CollectionName, DocTypes } from './read-model.documents';

/** One domain event as the projections consume it. */
export type ProjectedEvent<E extends DomainEvent = DomainEvent> = E & {
  id: string;
  stream: string;
  revision: bigint;
  /** `$all` commit position. */
  pos: number;
};

/** The documents of one batch: preloaded by the store, or a plain map in specs. */
export interface DocSet {
  /** The document, or null when it does not exist. */
  get<C extends CollectionName>(collection: C, id: string): DocTypes[C] | null;
  put<C extends CollectionName>(collection: C, doc: DocTypes[C]): void;
}

type Body<C extends CollectionName> = Omit<DocTypes[C], 'pos'>;

export class ProjectionContext<E extends DomainEvent = DomainEvent> {
  /**
   * Documents this event already changed (one event may change a document more than once):
   * a handful at most, so two parallel lists beat building a key per check.
   */
  private readonly touchedCollections: CollectionName[] = [];
  private readonly touchedIds: string[] = [];

  constructor(
    readonly docs: DocSet,
    readonly event: ProjectedEvent<E>,
    readonly rules: PointsRules,
  ) {}

  get<C extends CollectionName>(collection: C, id: string | null | undefined): DocTypes[C] | null {
    return id ? this.docs.get(collection, id) : null;
  }

  /** Whether this event still has to be applied to that document. */
  pending(collection: CollectionName, id: string | null | undefined): boolean {
    if (!id) return false;
    return this.pendingFor(collection, id, this.docs.get(collection, id));
  }

  private pendingFor(collection: CollectionName, id: string, doc: { pos: number } | null): boolean {
    return !doc || doc.pos < this.event.pos || this.touched(collection, id);
  }

  private touched(collection: CollectionName, id: string): boolean {
    const ids = this.touchedIds;
    for (let i = 0; i < ids.length; i += 1) {
      if (ids[i] === id && this.touchedCollections[i] === collection) return true;
    }
    return false;
  }

  /**
   * Applies `change` to a document unless it already holds this event. `change` gets the
   * current document (null when absent) and returns the new one, or null to leave it alone.
   */
  update<C extends CollectionName>(
    collection: C,
    id: string | null | undefined,
    change: (doc: DocTypes[C] | null) => Body<C> | null,
  ): void {
    if (!id) return;
    const current = this.docs.get(collection, id);
    if (!this.pendingFor(collection, id, current)) return;
    const next = change(current);
    if (!next) return;
    if (!this.touched(collection, id)) {
      this.touchedCollections.push(collection);
      this.touchedIds.push(id);
    }
    this.docs.put(collection, withPos(next, current, this.event.pos) as DocTypes[C]);
  }

  /** Same as `update`, for documents that only change once they exist. */
  patch<C extends CollectionName>(
    collection: C,
    id: string | null | undefined,
    change: (doc: DocTypes[C]) => Body<C> | null,
  ): void {
    this.update(collection, id, (doc) => (doc ? change(doc) : null));
  }

  /** A document written once for this event (ledger entry, revision). */
  insertOnce<C extends CollectionName>(collection: C, doc: Body<C>): void {
    if (this.docs.get(collection, doc._id)) return;
    this.docs.put(collection, withPos(doc, null, this.event.pos) as DocTypes[C]);
  }
}

/**
 * The new document with its `pos`: what `change` returned is a fresh object the projection
 * built for this call, so it takes the field itself (same key order as a spread: an existing
 * `pos` keeps its place, a missing one comes last). A stored document is never changed in
 * place, so one returned unchanged is copied.
 */
function withPos<T extends object>(next: T, current: object | null, pos: number): T & { pos: number } {
  const doc = (next === current ? { ...next } : next) as T & { pos: number };
  doc.pos = pos;
  return doc;
}

/** A projection of one or more collections: applies an event through the context. */
export type Projection = (ctx: ProjectionContext) => void;
