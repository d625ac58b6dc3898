/**
 * One catch-up subscription to `$all` on the EventStoreDB client, delivering batches to a
 * port `SubscriptionHandler` strictly in order and one batch at a time.
 *
 * While catching up, events are gathered into batches of up to `batchSize` (flushed early
 * after a short idle gap or when the server says it caught up), because projections write
 * far faster in bulk. Once live, events go out as soon as the handler is free. The client
 * stream is paused while enough events wait, so a replay of a large store never sits in
 * memory at once.
 *
 * Server signals (`caughtUp`, filter checkpoints) arrive on the client stream ahead of events
 * that are still buffered; each is therefore pinned to the number of events received before
 * it and applied only once all of those were handled.
 *
 * Reading ahead (`readAhead`), it first catches up from pages that a thread of its own reads
 * and decodes (event-store-db.read-ahead.thread), asking for pages while fewer than two
 * batches wait, and subscribes from where they ended: this thread then only upcasts.
 */
import {
  EventStoreDBClient,
  START,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Position as ClientPosition,
  type RecordedEvent,
} from '@eventstore/db-client';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { translateEventStoreError } from './event-store-db.errors';
import type { ReadAheadData, ReadAheadMessage } from './event-store-db.read-ahead.thread';
import type {
  EventMetadata,
  Position,
  StoredEvent,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionHandler,
} from './event-store.port';
import { comparePositions } from './event-store.port';
import type { EventTypeRegistry } from './event-type.registry';
import { moduleWorker } from './threads/module-worker';

const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_IDLE_FLUSH_MS = 10;
/** Events per page read ahead. */
const READ_AHEAD_PAGE = 4096;

/** System events: a `$` type or a `$` stream (metadata streams are `$$<stream>`). */
export const isSystemEvent = (event: { type: string; streamId: string }): boolean =>
  event.type.startsWith('$') || event.streamId.startsWith('$');

/**
 * The client's record as the port's `StoredEvent`. Metadata written by other software may
 * lack our fields; a missing schema version reads as 1 (events before versioning existed).
 */
export const toStoredEvent = (recorded: RecordedEvent | AllStreamRecordedEvent): StoredEvent => {
  if (!recorded.position) {
    throw new Error(`The event store returned event ${recorded.id} without a position.`);
  }
  const raw = recorded.metadata;
  const metadata =
    raw && typeof raw === 'object' && !(raw instanceof Uint8Array) && !Array.isArray(raw)
      ? (raw as Partial<EventMetadata>)
      : {};
  return {
    id: recorded.id,
    type: recorded.type,
    stream: recorded.streamId,
    revision: recorded.revision,
    position: { commit: recorded.position.commit, prepare: recorded.position.prepare },
    data: recorded.data,
    metadata: { ...metadata, schemaVersion: metadata.schemaVersion ?? 1 } as EventMetadata,
    created: recorded.created,
  };
};

interface Buffered {
  seq: number;
  event: StoredEvent;
}

type Marker = { at: number } & ({ kind: 'caughtUp' } | { kind: 'checkpoint'; position: Position });

export class EsdbAllSubscription implements Subscription {
  private readonly batchSize: number;
  private readonly idleFlushMs: number;
  private readonly prefixes: string[] | undefined;
  private readonly from: Position | 'start';
  private readonly readAhead: boolean;
  private stream: AllStreamSubscription | null = null;
  private buffer: Buffered[] = [];
  private markers: Marker[] = [];
  /** Events taken off the client stream, including those skipped by the local filter. */
  private received = 0;
  private live = false;
  private idleDue = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private paused = false;
  private pumping: Promise<void> | null = null;
  private dirty = false;
  private ended = false;
  private reached: Position | null;
  /** Reading ahead: the thread, and the pages asked of it and not received yet. */
  private reader: Worker | null = null;
  private pagesOwed = 0;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly url: string,
    private readonly registry: EventTypeRegistry,
    options: SubscribeToAllOptions,
    private readonly handler: SubscriptionHandler,
    private readonly onEnded: () => void,
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.idleFlushMs = Math.max(1, options.idleFlushMs ?? DEFAULT_IDLE_FLUSH_MS);
    this.prefixes = options.streamPrefixes?.length ? [...options.streamPrefixes] : undefined;
    this.from = options.from;
    this.readAhead = options.readAhead ?? false;
    this.reached = options.from === 'start' ? null : options.from;
  }

  start(): void {
    if (this.readAhead) this.readPages();
    else this.subscribe(this.from);
    this.idleTimer = setTimeout(() => this.onIdle(), this.idleFlushMs);
    this.idleTimer.unref();
  }

  private subscribe(from: Position | 'start'): void {
    const checkpointReached = (_: unknown, position: ClientPosition) => {
      this.markers.push({ kind: 'checkpoint', position, at: this.pending() });
      this.wake();
    };
    // Filtering server-side spares the wire every system event; the local check below
    // stays as a guard because prefix filters do not look at event types.
    const filter = this.prefixes
      ? streamNameFilter({ prefixes: this.prefixes, checkpointReached })
      : excludeSystemEvents({ checkpointReached });
    const stream = this.client.subscribeToAll({
      fromPosition: from === 'start' ? START : from,
      filter,
    });
    this.stream = stream;
    stream.on('data', (resolved: AllStreamResolvedEvent) => this.onData(resolved));
    stream.on('caughtUp', () => {
      this.markers.push({ kind: 'caughtUp', at: this.pending() });
      this.wake();
    });
    stream.on('fellBehind', () => {
      this.live = false;
    });
    stream.on('error', (error: Error) => this.fail(translateEventStoreError(error)));
    stream.on('end', () => this.fail(new Error('The event store ended the subscription.')));
  }

  private readPages(): void {
    const data: ReadAheadData = { url: this.url, from: this.from, pageSize: READ_AHEAD_PAGE, prefixes: this.prefixes };
    const reader = moduleWorker(path.join(__dirname, 'event-store-db.read-ahead.thread'), data);
    this.reader = reader;
    reader.on('message', (message: ReadAheadMessage) => this.onPage(message));
    reader.on('error', (error: Error) => this.fail(error));
    reader.on('exit', (code) => {
      if (this.reader === reader) this.fail(new Error(`The read-ahead thread exited (code ${code}).`));
    });
    this.askPages();
  }

  /**
   * Asks for pages while fewer than two batches wait (at least two pages on their way then,
   * so the thread never waits for a page to be taken): at most two batches and two pages
   * are ever held, however slow the handler.
   */
  private askPages(): void {
    const room = this.batchSize * 2 - this.buffer.length;
    if (!this.reader || room <= 0) return;
    const wanted = Math.max(2, Math.ceil(room / READ_AHEAD_PAGE)) - this.pagesOwed;
    if (wanted <= 0) return;
    this.pagesOwed += wanted;
    this.reader.postMessage({ type: 'more', pages: wanted } satisfies ReadAheadMessage);
  }

  private onPage(message: ReadAheadMessage): void {
    if (this.ended) return;
    if (message.type === 'failed') {
      this.fail(Object.assign(new Error(message.message), message.fields));
      return;
    }
    if (message.type !== 'page') return;
    this.pagesOwed -= 1;
    try {
      for (const stored of message.events) {
        this.received += 1;
        this.buffer.push({ seq: this.received, event: this.registry.upcast(stored) });
      }
    } catch (error) {
      this.fail(asError(error));
      return;
    }
    if (message.events.length > 0) this.idleTimer?.refresh();
    if (message.last) {
      // Caught up with what was stored: the subscription takes over from there.
      void this.stopReading();
      this.subscribe(message.reached ?? this.from);
    } else {
      this.askPages();
    }
    this.wake();
  }

  private async stopReading(): Promise<void> {
    const reader = this.reader;
    this.reader = null;
    await reader?.terminate();
  }

  async stop(): Promise<void> {
    if (this.ended) {
      await this.pumping;
      return;
    }
    this.ended = true;
    await this.release();
  }

  /** Events received so far, counting those the client stream holds but has not emitted. */
  private pending(): number {
    return this.received + (this.stream?.readableLength ?? 0);
  }

  private onData(resolved: AllStreamResolvedEvent): void {
    if (this.ended) return;
    this.received += 1;
    const recorded = resolved.event;
    if (!recorded || isSystemEvent(recorded)) return;
    if (this.prefixes && !this.prefixes.some((prefix) => recorded.streamId.startsWith(prefix))) return;
    let event: StoredEvent;
    try {
      event = this.registry.upcast(toStoredEvent(recorded));
    } catch (error) {
      this.fail(asError(error));
      return;
    }
    this.buffer.push({ seq: this.received, event });
    if (!this.live) this.idleTimer?.refresh();
    if (this.buffer.length >= this.batchSize * 2 && !this.paused) {
      this.paused = true;
      this.stream?.pause();
    }
    this.wake();
  }

  /**
   * The idle timer fired. It also fires when the event loop was busy (folding a batch) for
   * longer than the idle gap while events kept arriving: those wait unread in the socket,
   * since timers run before I/O. So let I/O have one turn first, and flush a partial batch
   * only if nothing came in meanwhile; if something did, wait for another quiet gap.
   */
  private onIdle(): void {
    if (this.buffer.length === 0 || this.ended) return;
    const seen = this.received;
    setImmediate(() => {
      if (this.ended || this.buffer.length === 0) return;
      if (this.received !== seen) {
        // (events filtered out locally arrive without re-arming it themselves)
        this.idleTimer?.refresh();
        return;
      }
      this.idleDue = true;
      this.wake();
    });
  }

  private wake(): void {
    this.dirty = true;
    if (this.pumping || this.ended) return;
    this.pumping = Promise.resolve()
      .then(() => this.pump())
      .catch((error: unknown) => this.fail(asError(error)))
      .finally(() => {
        this.pumping = null;
        if (this.dirty && !this.ended) this.wake();
      });
  }

  private async pump(): Promise<void> {
    while (this.dirty && !this.ended) {
      this.dirty = false;
      for (;;) {
        if (this.ended) return;
        if (!(await this.applyMarkers())) return;
        const count = this.deliverableCount();
        if (count === 0) break;
        const batch = this.buffer.splice(0, count);
        this.idleDue = false;
        if (this.paused && this.buffer.length < this.batchSize) {
          this.paused = false;
          this.stream?.resume();
        }
        this.askPages();
        try {
          await this.handler.onEvents(batch.map((item) => item.event));
        } catch (error) {
          this.fail(asError(error));
          return;
        }
        this.reached = batch[batch.length - 1].event.position;
      }
    }
  }

  /** How many buffered events to hand over now (0: wait for more). */
  private deliverableCount(): number {
    if (this.buffer.length === 0) return 0;
    const take = Math.min(this.buffer.length, this.batchSize);
    if (this.live || this.idleDue || take === this.batchSize) return take;
    const marker = this.markers.find((candidate) => candidate.kind === 'caughtUp');
    if (marker) {
      // Deliver what precedes the caught-up signal now instead of waiting for a full batch.
      const covered = this.buffer.findIndex((item) => item.seq > marker.at);
      return covered === -1 ? take : Math.min(take, covered);
    }
    return 0;
  }

  /** Applies every marker whose events were all handled; false once the subscription failed. */
  private async applyMarkers(): Promise<boolean> {
    while (this.markers.length > 0 && !this.ended) {
      const marker = this.markers[0];
      const waiting = this.buffer.length > 0 && this.buffer[0].seq <= marker.at;
      if (this.received < marker.at || waiting) return true;
      this.markers.shift();
      if (marker.kind === 'caughtUp') {
        this.live = true;
        try {
          this.handler.onCaughtUp?.(this.reached);
        } catch (error) {
          this.fail(asError(error));
          return false;
        }
        continue;
      }
      if (this.reached && comparePositions(marker.position, this.reached) <= 0) continue;
      try {
        await this.handler.onCheckpoint?.(marker.position);
      } catch (error) {
        this.fail(asError(error));
        return false;
      }
      this.reached = marker.position;
    }
    return !this.ended;
  }

  private fail(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    void this.release()
      .then(() => this.handler.onDropped?.(error))
      // A throwing drop handler has nobody left to tell; the subscription is over either way.
      .catch(() => undefined);
  }

  /** Cancels the client stream and waits for a batch in flight. */
  private async release(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.stopReading();
    this.buffer = [];
    this.markers = [];
    const stream = this.stream;
    if (stream) {
      stream.removeAllListeners('data');
      stream.removeAllListeners('end');
      stream.removeAllListeners('caughtUp');
      // Errors after cancelling (the cancellation itself, a dying socket) mean nothing now.
      stream.removeAllListeners('error');
      stream.on('error', () => undefined);
      await stream.unsubscribe().catch(() => undefined);
      stream.destroy();
    }
    await this.pumping;
    this.onEnded();
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
