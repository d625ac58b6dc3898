/**
 * The generic command shell (STYLE.md 2): read the stream, fold it, decide, append with the
 * revision that was read, and on a concurrent change start over, a bounded number of times.
 * Handlers supply only the pure parts (fold and decide); everything about concurrency,
 * idempotency, metadata and the answered position lives here once.
 *
 * Idempotency: with an Idempotency-Key, event ids derive from (key, stream, index). A retry
 * that finds the first of them already in the stream is a replay: it appends nothing and
 * answers with the position the original request got. Two copies of one request racing
 * derive identical appends, and the event store keeps only one of them.
 */
import { ConcurrencyError, type DomainEvent } from '@qa/domain';
import {
  positionToString,
  type EventStore,
  type ExpectedRevision,
  type StoredEvent,
} from '@qa/event-store';
import { eventIdFor, metadataFor, type CommandContext } from './command-context';

export interface Fold<S> {
  initialState(): S;
  evolve(state: S, event: DomainEvent): S;
}

export interface StreamState<S> {
  state: S;
  /** Revision of the stream's last event, or 'no_stream'. */
  revision: ExpectedRevision;
  /** Decimal commit position of the stream's last event, or null for an absent stream. */
  position: string | null;
  events: StoredEvent[];
}

export interface CommandOutcome<S> {
  /** Decimal commit position of the command's last event (the original one on a replay). */
  position: string;
  /** Events this call appended; empty on a replay or when the decision was to change nothing. */
  appended: DomainEvent[];
  /** The state before the decision (after the original events, on a replay). */
  state: S;
  replayed: boolean;
}

export interface CommandRunnerOptions {
  /** Attempts before a persistent conflict is answered 409 CONCURRENT_MODIFICATION. */
  maxAttempts?: number;
  /** Upper bound of the first retry's random delay; doubles with each attempt. */
  baseDelayMs?: number;
}

export const asDomainEvent = (e: StoredEvent): DomainEvent =>
  ({ type: e.type, data: e.data }) as DomainEvent;

export class CommandRunner {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(
    readonly store: EventStore,
    options: CommandRunnerOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 4;
  }

  /** Reads and folds one stream, e.g. a post a command refers to. */
  async read<S>(stream: string, fold: Fold<S>): Promise<StreamState<S>> {
    const events = await this.store.readStream(stream);
    let state = fold.initialState();
    for (const e of events) state = fold.evolve(state, asDomainEvent(e));
    const last = events.at(-1);
    return {
      state,
      revision: last ? last.revision : 'no_stream',
      position: last ? positionToString(last.position) : null,
      events,
    };
  }

  /**
   * Runs one command against one stream. `decide` is called with the folded state (again
   * after each conflict) and returns the events to append, or [] to change nothing; it may
   * throw a DomainError to refuse.
   */
  async handle<S>(
    stream: string,
    fold: Fold<S>,
    decide: (state: S) => DomainEvent[],
    context: CommandContext,
  ): Promise<CommandOutcome<S>> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(stream, fold);
      const replay = this.findReplay(current.events, stream, context);
      if (replay) return { position: replay, appended: [], state: current.state, replayed: true };

      const events = decide(current.state);
      if (events.length === 0) {
        return {
          position: current.position ?? '0',
          appended: [],
          state: current.state,
          replayed: false,
        };
      }
      try {
        const position = await this.append(stream, events, current.revision, context);
        return { position, appended: events, state: current.state, replayed: false };
      } catch (e) {
        if (!(e instanceof ConcurrencyError) || attempt >= this.maxAttempts) throw e;
        await this.backOff(attempt);
      }
    }
  }

  /** Appends with ids and metadata from the context; answers the last event's commit position. */
  async append(
    stream: string,
    events: DomainEvent[],
    expectedRevision: ExpectedRevision,
    context: CommandContext,
  ): Promise<string> {
    const result = await this.store.appendToStream(
      stream,
      events.map((e, i) => ({ type: e.type, data: e.data, id: eventIdFor(context, stream, i) })),
      { expectedRevision, metadata: metadataFor(context) },
    );
    return positionToString(result.position);
  }

  /** The position of the original request's last event in this stream, when this is a replay. */
  findReplay(events: StoredEvent[], stream: string, context: CommandContext): string | null {
    if (!context.idempotencyKey) return null;
    const first = eventIdFor(context, stream, 0);
    const start = events.findIndex((e) => e.id === first);
    if (start === -1) return null;
    let last = events[start];
    for (
      let i = 1;
      start + i < events.length && events[start + i].id === eventIdFor(context, stream, i);
      i++
    ) {
      last = events[start + i];
    }
    return positionToString(last.position);
  }

  private backOff(attempt: number): Promise<void> {
    // Full jitter: racing writers spread out instead of colliding again in lockstep.
    const ms = Math.random() * this.baseDelayMs * 2 ** (attempt - 1);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
