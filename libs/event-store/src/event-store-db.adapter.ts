/**
 * The EventStore port on EventStoreDB through `@eventstore/db-client` 6.x. Events are JSON
 * with JSON metadata; every read goes through the event type registry so callers see
 * current schemas; every client error leaves as one of the domain's errors.
 */
import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { translateEventStoreError } from './event-store-db.errors';
import { EsdbAllSubscription, isSystemEvent, toStoredEvent } from './event-store-db.subscription';
import type {
  AppendResult,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadStreamOptions,
  StoredEvent,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionHandler,
} from './event-store.port';
import { comparePositions } from './event-store.port';
import { createDomainEventRegistry, type EventTypeRegistry } from './event-type.registry';

export interface EventStoreDbAdapterOptions {
  /** Defaults to a registry of every domain event type. */
  registry?: EventTypeRegistry;
}

/** Page size for `$all` scans that skip system events. */
const ALL_PAGE = 256;
/** Largest page of one forward `$all` read: a long read costs one call per this many events. */
const ALL_READ_PAGE = 4096;

export class EventStoreDbAdapter implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly registry: EventTypeRegistry;
  private readonly subscriptions = new Set<EsdbAllSubscription>();
  private closed = false;

  /** `url` is an EventStoreDB connection string, e.g. `esdb://127.0.0.1:2113?tls=false`. */
  constructor(
    private readonly url: string,
    options: EventStoreDbAdapterOptions = {},
  ) {
    this.client = EventStoreDBClient.connectionString(url);
    this.registry = options.registry ?? createDomainEventRegistry();
  }

  async appendToStream(
    stream: string,
    events: EventToAppend[],
    options: { expectedRevision: ExpectedRevision; metadata: EventMetadata },
  ): Promise<AppendResult> {
    if (events.length === 0) {
      throw new RangeError(`Nothing to append to ${stream}.`);
    }
    const data = events.map((event) =>
      jsonEvent({
        id: event.id ?? randomUUID(),
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: {
          ...options.metadata,
          // Writers always write the current shape, so the registry's version wins.
          schemaVersion: this.registry.currentVersion(event.type) ?? options.metadata.schemaVersion,
        },
      }),
    );
    try {
      const result = await this.client.appendToStream(stream, data, {
        expectedRevision: options.expectedRevision,
      });
      const position =
        result.position ?? (await this.positionOf(stream, result.nextExpectedRevision));
      return { nextRevision: result.nextExpectedRevision, position };
    } catch (error) {
      throw translateEventStoreError(error, stream);
    }
  }

  /**
   * Servers may answer an idempotent re-append without a position; the caller still needs
   * the one of the event already stored (the API returns it to the retrying client).
   */
  private async positionOf(stream: string, revision: bigint): Promise<Position> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (!event || event.revision !== revision) {
      throw new Error(`Event ${revision} of ${stream} is missing right after appending it.`);
    }
    return event.position;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const direction = options.direction ?? 'forwards';
    const events: StoredEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: options.fromRevision ?? (direction === 'forwards' ? START : END),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
        if (resolved.event) events.push(this.toStored(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw translateEventStoreError(error, stream);
    }
    return events;
  }

  async readAll(options: { from: Position | 'start'; maxCount: number }): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    let cursor: Position | 'start' = options.from;
    while (events.length < options.maxCount) {
      const requested = Math.min(ALL_READ_PAGE, options.maxCount - events.length + 1);
      const page = await this.readAllPage(cursor, FORWARDS, requested);
      for (const resolved of page) {
        const recorded = resolved.event;
        if (!recorded) continue;
        // EventStoreDB reads `$all` forwards including the start position; the port excludes it.
        if (cursor !== 'start' && comparePositions(recorded.position, cursor) <= 0) continue;
        if (isSystemEvent(recorded)) continue;
        events.push(this.toStored(recorded));
        if (events.length === options.maxCount) break;
      }
      const last = page.at(-1)?.event?.position;
      if (page.length < requested || !last) break;
      cursor = last;
    }
    return events;
  }

  async deleteStream(stream: string, options: { tombstone?: boolean } = {}): Promise<void> {
    try {
      if (options.tombstone) {
        await this.client.tombstoneStream(stream);
      } else {
        await this.client.deleteStream(stream);
      }
    } catch (error) {
      throw translateEventStoreError(error, stream);
    }
  }

  subscribeToAll(options: SubscribeToAllOptions, handler: SubscriptionHandler): Subscription {
    if (this.closed) throw new Error('The event store adapter is closed.');
    const subscription = new EsdbAllSubscription(this.client, this.url, this.registry, options, handler, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  async headPosition(): Promise<Position | null> {
    let cursor: Position | 'end' = 'end';
    for (;;) {
      const page = await this.readAllPage(cursor, BACKWARDS, ALL_PAGE);
      for (const resolved of page) {
        const recorded = resolved.event;
        if (!recorded) continue;
        if (cursor !== 'end' && comparePositions(recorded.position, cursor) >= 0) continue;
        if (!isSystemEvent(recorded)) return recorded.position;
      }
      const last = page.at(-1)?.event?.position;
      if (page.length < ALL_PAGE || !last) return null;
      cursor = last;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  private async readAllPage(
    from: Position | 'start' | 'end',
    direction: typeof FORWARDS | typeof BACKWARDS,
    maxCount: number,
  ): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    try {
      const read = this.client.readAll({
        fromPosition: from === 'start' ? START : from === 'end' ? END : from,
        direction,
        maxCount,
      });
      for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) {
        page.push(resolved);
      }
    } catch (error) {
      throw translateEventStoreError(error);
    }
    return page;
  }

  private toStored(recorded: Parameters<typeof toStoredEvent>[0]): StoredEvent {
    return this.registry.upcast(toStoredEvent(recorded));
  }
}
