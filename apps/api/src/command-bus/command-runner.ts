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

/**
 * The folded state of small, hot streams (votes) as this process last appended to them, so
 * the next command on the same stream can skip reading it. Bounded (least recently used
 * entries go first). Entries may be stale when another process wrote since: the append's
 * expected revision then fails and the runner reads the stream as usual.
 */
export class StreamStateCache {
  private readonly entries = new Map<
    string,
    { state: unknown; revision: bigint; position: string }
  >();

  constructor(private readonly capacity = 100_000) {}

  get<S>(stream: string): { state: S; revision: bigint; position: string } | undefined {
    const entry = this.entries.get(stream);
    if (!entry) return undefined;
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    return entry as { state: S; revision: bigint; position: string };
  }

  set(stream: string, entry: { state: unknown; revision: bigint; position: string }): void {
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(stream: string): void {
    this.entries.delete(stream);
  }

  get size(): number {
    return this.entries.size;
  }
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
   *
   * Two ways to skip the read, both still guarded by the expected revision, so a wrong guess
   * costs one conflict and a normal round, never a wrong append:
   * - `cache`: the stream's state as this process last wrote it (see StreamStateCache);
   * - `fresh`: otherwise assume the stream does not exist yet: it was just named with a new
   *   random id, or (votes) most such commands are the first on their stream.
   * With an Idempotency-Key the stream is always read, to recognise a replay.
   */
  async handle<S>(
    stream: string,
    fold: Fold<S>,
    decide: (state: S) => DomainEvent[],
    context: CommandContext,
    options: { fresh?: boolean; cache?: StreamStateCache } = {},
  ): Promise<CommandOutcome<S>> {
    const keyed = context.idempotencyKey !== null;
    let guess: { state: S; revision: ExpectedRevision; position: string | null } | undefined;
    if (!keyed) {
      guess = options.cache?.get<S>(stream);
      if (!guess && options.fresh) {
        guess = { state: fold.initialState(), revision: 'no_stream', position: null };
      }
    }

    for (let attempt = 1; ; attempt++) {
      let current: { state: S; revision: ExpectedRevision; position: string | null };
      if (guess) {
        current = guess;
      } else {
        const read = await this.read(stream, fold);
        const replay = this.findReplay(read.events, stream, context);
        if (replay) return { position: replay, appended: [], state: read.state, replayed: true };
        current = read;
      }

      const events = decide(current.state);
      if (events.length === 0) {
        // "Nothing to do" is only trusted from a read: a guess may be out of date.
        if (guess) {
          guess = undefined;
          attempt--;
          continue;
        }
        return {
          position: current.position ?? '0',
          appended: [],
          state: current.state,
          replayed: false,
        };
      }
      try {
        const result = await this.appendWithResult(stream, events, current.revision, context);
        if (options.cache) {
          const next = events.reduce((state, event) => fold.evolve(state, event), current.state);
          options.cache.set(stream, {
            state: next,
            revision: result.nextRevision,
            position: result.position,
          });
        }
        return {
          position: result.position,
          appended: events,
          state: current.state,
          replayed: false,
        };
      } catch (e) {
        options.cache?.delete(stream);
        if (!(e instanceof ConcurrencyError) || attempt >= this.maxAttempts) throw e;
        // A failed guess is not a contended stream: re-read at once.
        if (guess) guess = undefined;
        else await this.backOff(attempt);
      }
    }
  }

  /**
   * Starts the stream of a new entity named by a fresh id (see `newId`), answering that id
   * with the position: what every "post something new" command returns.
   */
  async create<S>(
    id: string,
    stream: string,
    fold: Fold<S>,
    decide: (state: S) => DomainEvent[],
    context: CommandContext,
  ): Promise<{ id: string; position: string }> {
    const { position } = await this.handle(stream, fold, decide, context, { fresh: true });
    return { id, position };
  }

  /** Appends with ids and metadata from the context; answers the last event's commit position. */
  async append(
    stream: string,
    events: DomainEvent[],
    expectedRevision: ExpectedRevision,
    context: CommandContext,
  ): Promise<string> {
    return (await this.appendWithResult(stream, events, expectedRevision, context)).position;
  }

  private async appendWithResult(
    stream: string,
    events: DomainEvent[],
    expectedRevision: ExpectedRevision,
    context: CommandContext,
  ): Promise<{ position: string; nextRevision: bigint }> {
    const result = await this.store.appendToStream(
      stream,
      events.map((e, i) => ({ type: e.type, data: e.data, id: eventIdFor(context, stream, i) })),
      { expectedRevision, metadata: metadataFor(context) },
    );
    return { position: positionToString(result.position), nextRevision: result.nextRevision };
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
