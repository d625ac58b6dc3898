/**
 * Catch-up subscriptions to a stream or to `$all`, with the real server's sequence:
 * confirmation -> events strictly after the start point -> (filtered: checkpoint) ->
 * caught_up -> live events.
 *
 * The seam between catch-up and live has no gap and no duplicate because both sides run
 * on one thread: the last catch-up page is read from SQLite and the live listener is
 * registered in the same synchronous step, and every append notifies listeners inside
 * the same synchronous step as its commit. A subscriber too slow to keep up with live
 * events goes back to reading pages from the log (the real server's "fell behind").
 */
import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadRequestView } from './read-req.codec';
import { EventLog, SOFT_DELETED_TB, type WrittenEvent } from './event-log.store';
import {
  CAUGHT_UP,
  encodeCheckpoint,
  encodeConfirmation,
  type EventWrapper,
} from './read-resp.encoder';
import type { FilterSettings } from './read.filter';
import { streamDeleted } from './rpc.errors';
import { drained, type CallHandle, type OpenCalls } from './open-calls.registry';

/** Rows read per catch-up page. */
const PAGE_SIZE = 512;
/** Live messages queued for one subscriber before it is moved back to catch-up reads. */
const MAX_LIVE_BACKLOG = 10_000;

type Call = ServerWritableStream<ReadRequestView, Buffer>;

abstract class Subscription {
  protected live = false;
  protected closed = false;
  private unlisten: (() => void) | null = null;
  private readonly handle: CallHandle;

  constructor(
    protected readonly log: EventLog,
    protected readonly call: Call,
    calls: OpenCalls,
    protected readonly wrap: EventWrapper,
  ) {
    // Cancelled, closed or failed: stop reading pages and stop taking live events.
    this.handle = calls.track(call, () => this.stop());
  }

  start(): void {
    if (this.closed) return;
    this.call.write(encodeConfirmation(randomUUID()));
    void this.catchUp();
  }

  /** Sends the next catch-up page; returns true when the log has no more rows to read. */
  protected abstract readPage(): boolean;
  /** Handles one appended event while live. */
  protected abstract onLive(event: WrittenEvent): void;
  /** Messages sent when switching to live (checkpoint for filtered `$all`, then caught_up). */
  protected goingLive(): void {
    this.call.write(CAUGHT_UP);
  }

  private async catchUp(): Promise<void> {
    try {
      while (!this.closed) {
        const atEnd = this.readPage();
        if (this.closed) return;
        if (atEnd) {
          this.live = true;
          this.unlisten = this.log.onAppended((written) => this.deliver(written));
          this.goingLive();
          return;
        }
        if (this.call.writableNeedDrain) await drained(this.call);
        if (this.handle.gone) this.stop();
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private deliver(written: WrittenEvent[]): void {
    if (this.closed) return;
    try {
      for (const event of written) this.onLive(event);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.call.writableLength > MAX_LIVE_BACKLOG) {
      // Fell behind: stop taking live rows, let the queue drain, then read the log again
      // from the last row handed to the call; that read ends with a new caught_up.
      this.live = false;
      this.unlisten?.();
      this.unlisten = null;
      void drained(this.call).then(() => {
        if (this.handle.gone) this.stop();
        else void this.catchUp();
      });
    }
  }

  protected fail(error: unknown): void {
    if (this.closed) return;
    this.stop();
    const rpc =
      error && typeof error === 'object' && 'code' in error
        ? error
        : { code: 13, details: error instanceof Error ? error.message : String(error) };
    this.call.emit('error', rpc);
  }

  stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.unlisten?.();
    this.unlisten = null;
    // Unset only when the call was already gone while the constructor registered it.
    this.handle?.release();
  }
}

/** Subscription to `$all`, optionally filtered. `after` is the position after which events are sent. */
export class AllSubscription extends Subscription {
  private lastPosition: number;
  private considered = 0;

  constructor(
    log: EventLog,
    call: Call,
    calls: OpenCalls,
    wrap: EventWrapper,
    after: number,
    private readonly filter: FilterSettings | null,
  ) {
    super(log, call, calls, wrap);
    this.lastPosition = after;
  }

  protected readPage(): boolean {
    const filter = this.filter;
    if (!filter) {
      const rows = this.log.readAllForward(this.lastPosition + 1, PAGE_SIZE);
      for (const [position, record] of rows) {
        this.lastPosition = position;
        this.call.write(this.wrap(record, position));
      }
      return rows.length < PAGE_SIZE;
    }
    const rows = this.log.readFilteredForward(this.lastPosition + 1, PAGE_SIZE);
    for (const [position, record, stream, type] of rows) {
      this.lastPosition = position;
      if (filter.matches(stream, type)) this.call.write(this.wrap(record, position));
      if (++this.considered >= filter.checkpointInterval) {
        this.considered = 0;
        this.call.write(encodeCheckpoint(position));
      }
    }
    return rows.length < PAGE_SIZE;
  }

  protected override goingLive(): void {
    if (this.filter) {
      // Like the real server: one checkpoint when catch-up ends, at the head of the log.
      const head = Math.max(this.lastPosition, this.log.headPosition);
      if (head >= 0) this.call.write(encodeCheckpoint(head));
    }
    super.goingLive();
  }

  protected onLive(event: WrittenEvent): void {
    const position = event.position;
    if (position <= this.lastPosition) return;
    this.lastPosition = position;
    const filter = this.filter;
    if (!filter) {
      this.call.write(this.wrap(event.record, position));
      return;
    }
    if (filter.matches(event.stream, event.type))
      this.call.write(this.wrap(event.record, position));
    if (++this.considered >= filter.checkpointInterval) {
      this.considered = 0;
      this.call.write(encodeCheckpoint(position));
    }
  }
}

/** Subscription to one stream. `after` is the revision after which events are sent (-1: all). */
export class StreamSubscription extends Subscription {
  private lastRevision: number;

  constructor(
    log: EventLog,
    call: Call,
    calls: OpenCalls,
    wrap: EventWrapper,
    private readonly streamName: string,
    after: number,
  ) {
    super(log, call, calls, wrap);
    this.lastRevision = after;
  }

  protected readPage(): boolean {
    const stream = this.log.stream(this.streamName);
    if (!stream) return true;
    if (stream.tombstoned) throw streamDeleted(this.streamName);
    const truncateBefore = this.log.metadataOf(this.streamName)?.truncateBefore ?? 0;
    if (truncateBefore === SOFT_DELETED_TB) {
      this.lastRevision = Math.max(this.lastRevision, stream.lastRevision);
      return true;
    }
    const from = Math.max(this.lastRevision + 1, truncateBefore);
    const rows = this.log.readStreamForward(stream.id, from, PAGE_SIZE);
    for (const [position, record, revision] of rows) {
      this.lastRevision = revision;
      this.call.write(this.wrap(record, position));
    }
    return rows.length < PAGE_SIZE;
  }

  protected onLive(event: WrittenEvent): void {
    if (event.stream !== this.streamName) return;
    const revision = event.revision;
    if (revision < 0) throw streamDeleted(this.streamName);
    if (revision <= this.lastRevision) return;
    this.lastRevision = revision;
    this.call.write(this.wrap(event.record, event.position));
  }
}
