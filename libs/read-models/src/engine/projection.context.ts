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
  /** Documents this event already changed: one event may change a document more than once. */
  private readonly touched = new Set<string>();

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
    const doc = this.docs.get(collection, id);
    return !doc || doc.pos < this.event.pos || this.touched.has(`${collection}/${id}`);
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
    if (!id || !this.pending(collection, id)) return;
    const next = change(this.docs.get(collection, id));
    if (!next) return;
    this.touched.add(`${collection}/${id}`);
    this.docs.put(collection, { ...next, pos: this.event.pos } as DocTypes[C]);
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
    this.docs.put(collection, { ...doc, pos: this.event.pos } as DocTypes[C]);
  }
}

/** A projection of one or more collections: applies an event through the context. */
export type Projection = (ctx: ProjectionContext) => void;
