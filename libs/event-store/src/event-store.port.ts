/**
 * The event store port: what the rest of the product needs from an event store, and
 * nothing of any vendor's client. The EventStoreDB adapter implements it; the shared
 * contract suite (event-store.contract.ts) proves every implementation behaves the same.
 */

/** A `$all` position. Commit and prepare are unsigned 64-bit, carried as bigint. */
export interface Position {
  commit: bigint;
  prepare: bigint;
}

export const START: 'start' = 'start';
export const END: 'end' = 'end';

/** Expected stream state for an append. A bigint is an exact revision of the last event. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** Who did it and why: carried on every event of one command. */
export interface EventMetadata {
  correlationId: string;
  causationId: string;
  /** A user id, or `anonymous`. */
  actor: string;
  /** Keyed hash of the caller's IP, when known. */
  ipHash?: string | null;
  /** The command's time (ISO 8601). */
  at: string;
  schemaVersion: number;
}

export interface EventToAppend<T = unknown> {
  type: string;
  data: T;
  /** Event id (UUID). Derived from an idempotency key when the client sent one. */
  id?: string;
}

export interface StoredEvent<T = unknown> {
  id: string;
  type: string;
  stream: string;
  revision: bigint;
  /** Position in `$all` (absent only for events read from a stream of a store that has none). */
  position: Position;
  data: T;
  metadata: EventMetadata;
  /** The server's record time. */
  created: Date;
}

export interface AppendResult {
  /** Revision of the last event appended (or already there, for an idempotent re-append). */
  nextRevision: bigint;
  position: Position;
}

export interface ReadStreamOptions {
  fromRevision?: bigint;
  maxCount?: number;
  direction?: 'forwards' | 'backwards';
}

export interface SubscriptionHandler {
  /**
   * Called with events in `$all` order; resolves when they are handled. Never called again
   * before the previous call resolved, so a handler sees one batch at a time.
   */
  onEvents(events: StoredEvent[]): Promise<void>;
  /**
   * Called once the subscription has delivered (and the handler resolved) everything stored
   * when it (re)started, with the position it reached: the last event delivered or filter
   * checkpoint passed, else the position it started after (null when it started at the
   * beginning and nothing matched).
   */
  onCaughtUp?(position: Position | null): void;
  /**
   * The server has looked at everything up to `position` and nothing after the last
   * delivered event matched the filter. Lets a filtered consumer move its checkpoint (and
   * read-your-writes waiters) past events it never sees. Awaited before the next batch.
   */
  onCheckpoint?(position: Position): Promise<void> | void;
  /**
   * The subscription ended without `stop()`: the connection dropped, the server ended it,
   * or `onEvents` rejected. Called once, after any batch in flight has settled; nothing is
   * delivered afterwards. The subscription runner resubscribes from its checkpoint.
   */
  onDropped?(error: Error): void;
}

export interface SubscribeToAllOptions {
  /** Start strictly after this position, or from the beginning. */
  from: Position | 'start';
  /** Only streams whose names start with one of these (system streams are always skipped). */
  streamPrefixes?: string[];
  /** Most events per `onEvents` call while catching up (default 100). */
  batchSize?: number;
  /**
   * While catching up, a partial batch is delivered after this long without a new event
   * (default 10 ms). Once live, events are delivered as soon as the handler is free.
   */
  idleFlushMs?: number;
  /**
   * Catch up by reading `$all` in pages on a thread of its own, which also decodes them, then
   * subscribe from where the pages ended: for a long catch-up (a replay), whose handler then
   * has this thread to itself. An event store without such a thread ignores it.
   */
  readAhead?: boolean;
}

export interface Subscription {
  /** Stops delivery; resolves once a batch in flight has been handled. */
  stop(): Promise<void>;
}

export interface EventStore {
  appendToStream(
    stream: string,
    events: EventToAppend[],
    options: { expectedRevision: ExpectedRevision; metadata: EventMetadata },
  ): Promise<AppendResult>;

  /**
   * Events of one stream; an absent (or soft-deleted) stream reads as []. A tombstoned
   * stream throws the `STREAM_DELETED` conflict.
   */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /** `$all` forwards from a position (exclusive), system events skipped. */
  readAll(options: { from: Position | 'start'; maxCount: number }): Promise<StoredEvent[]>;

  /** Soft-delete (the stream may be recreated) or tombstone (never again). */
  deleteStream(stream: string, options?: { tombstone?: boolean }): Promise<void>;

  subscribeToAll(options: SubscribeToAllOptions, handler: SubscriptionHandler): Subscription;

  /** Position of the last non-system event in `$all`, or null when there is none. */
  headPosition(): Promise<Position | null>;

  close(): Promise<void>;
}

/** Decimal commit position, as the API returns it. */
export const positionToString = (p: Position): string => p.commit.toString();

/**
 * The position a client sent back (`X-Wait-For-Position`), or null when it is not a decimal
 * commit position. Only the commit travels, so this is the lowest position with that commit:
 * waiting for it completes once the event at that commit was processed.
 */
export const parsePosition = (text: string): Position | null => {
  if (!/^\d{1,20}$/.test(text)) return null;
  const commit = BigInt(text);
  return commit < 2n ** 64n ? { commit, prepare: 0n } : null;
};

export const comparePositions = (a: Position, b: Position): number =>
  a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0;
