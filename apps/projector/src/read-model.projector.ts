/**
 * Keeps one version of the read models up to date from `$all`: one catch-up subscription
 * (batches while catching up, one event at a time once live), the checkpoint stored in
 * MongoDB after the writes it covers, back-off and resume from that checkpoint on any
 * EventStoreDB or MongoDB failure.
 *
 * Following the active version (the normal projector), it moves to a new version as soon as
 * a replay switched to it. Building a given version (the replay), it stays on that one.
 *
 * A checkpoint that vanished (MongoDB restarted empty, the embedded one keeps nothing) or
 * moved under it means the documents cannot be trusted: it then rebuilds that version from
 * the start, dropping whatever documents were there.
 */
import type { Position, StoredEvent, EventStore, CheckpointStore, RunningSubscription, SubscriptionLogger } from '@qa/event-store';
import { comparePositions, runSubscription } from '@qa/event-store';
import { DEFAULT_POINTS_RULES, type PointsRules } from '@qa/domain';
import {
  CHECKPOINTS_COLLECTION,
  MongoCheckpointStore,
  ReadModelProjection,
  ReadModelStore,
  ReadModelWriter,
  activeVersion,
  checkpointName,
} from '@qa/read-models';
import type { Db } from 'mongodb';

export interface ReadModelProjectorOptions {
  db: Db;
  eventStore: EventStore;
  rules?: PointsRules;
  /** Events per batch while catching up (default 500). */
  batchSize?: number;
  /** Documents kept in memory per collection between batches (default 50,000). */
  cacheSize?: number;
  /** Build this version only (a replay); default: follow the active version. */
  version?: number;
  /**
   * Building from empty collections, create only the indexes writes need or keep up cheaply
   * at first (ReadModelStore.ensureIndexes('first')) and leave the others to `ensureIndexes()`
   * once caught up (one sorted build instead of maintaining them on every update). Only for a
   * version nobody reads yet (a replay).
   */
  deferIndexes?: boolean;
  /**
   * Fold the next batch while MongoDB writes the previous one. The stored checkpoint then
   * covers only the batches whose writes are durable (one behind) until `flush()` or `stop()`,
   * and the subscription's position runs ahead of the writes: only for a version nobody
   * reads yet (a replay).
   */
  pipeline?: boolean;
  /**
   * While catching up, how long the stream must stay quiet before a partial batch is handled
   * (default 10 ms). A replay waits longer: fuller batches write each document fewer times.
   */
  idleFlushMs?: number;
  /**
   * Catch up from `$all` pages read and decoded on a thread of their own, then subscribe
   * (SubscribeToAllOptions.readAhead): the fold then has this thread to itself. For a long
   * catch-up (a replay).
   */
  readAhead?: boolean;
  /** How often the active version is checked (default 1 s). */
  followIntervalMs?: number;
  logger?: SubscriptionLogger;
  /** After every handled batch: how many events it held and where it ended. */
  onBatch?: (events: number, position: Position) => void;
}

const silent: SubscriptionLogger = { info: () => {}, warn: () => {}, error: () => {} };

class CheckpointMismatch extends Error {
  constructor(name: string) {
    super(`Checkpoint ${name} is not the one this projector stored; rebuilding from what MongoDB holds.`);
    this.name = 'CheckpointMismatch';
  }
}

/** One version's subscription: the writer, the store and the checkpoint it expects to find. */
class Session {
  readonly store: ReadModelStore;
  readonly writer: ReadModelWriter;
  readonly name: string;
  readonly subscription: RunningSubscription;
  private expected: Position | null = null;
  private readonly checkpoints: MongoCheckpointStore;
  /** Pipelined: where the last staged batch ends, and the one before it. */
  private staged: Position | null = null;
  private stagedBefore: Position | null = null;
  /** Checkpoint reads and writes, one at a time. */
  private checkpointing: Promise<unknown> = Promise.resolve();

  constructor(
    readonly version: number,
    private readonly options: ReadModelProjectorOptions,
  ) {
    this.store = new ReadModelStore(options.db, version);
    this.writer = new ReadModelWriter(this.store, new ReadModelProjection(options.rules ?? DEFAULT_POINTS_RULES), {
      cacheSize: options.cacheSize,
    });
    this.name = checkpointName(version);
    this.checkpoints = new MongoCheckpointStore(options.db);
    const guarded: CheckpointStore = {
      load: (name) => this.resume(name),
      store: (_name, position) => this.advance(position),
    };
    this.subscription = runSubscription({
      store: options.eventStore,
      name: this.name,
      checkpoints: guarded,
      handler: (events) => this.handle(events),
      batchSize: options.batchSize ?? 500,
      idleFlushMs: options.idleFlushMs,
      readAhead: options.readAhead,
      logger: options.logger ?? silent,
      maxRetryDelayMs: 2000,
    });
  }

  /** Every (re)subscription starts here, from what MongoDB holds, with an empty cache. */
  private async resume(name: string): Promise<Position | null> {
    // Writes still queued from before a drop land first; then MongoDB is the truth again.
    await this.writer.reset();
    await this.checkpointing;
    this.staged = null;
    this.stagedBefore = null;
    // A follower whose version was replaced (and dropped) by a replay must not rebuild it:
    // it waits here until it moves to the active version.
    if (this.options.version === undefined && (await activeVersion(this.options.db)) !== this.version) {
      throw new Error(`read model version ${this.version} is no longer the active one`);
    }
    const position = await this.checkpoints.load(name);
    if (!position) {
      await this.store.drop();
      // Nothing there any more but what this writer will write: it need not look anything up.
      this.writer.assumeEmpty();
    }
    await this.store.ensureIndexes(!position && this.options.deferIndexes ? 'first' : 'all');
    this.expected = position;
    return position;
  }

  private async handle(events: StoredEvent[]): Promise<void> {
    await this.serially(() => this.verify());
    const last = events[events.length - 1].position;
    if (this.options.pipeline) {
      await this.writer.stage(events);
      this.stagedBefore = this.staged;
      this.staged = last;
    } else {
      await this.writer.handle(events);
    }
    this.options.onBatch?.(events.length, last);
  }

  /** Pipelined: waits for every queued write, then stores the checkpoint of the last batch. */
  async flush(): Promise<void> {
    await this.writer.settled();
    const staged = this.staged;
    if (staged) await this.serially(() => this.storeCheckpoint(staged));
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.checkpointing.then(work);
    this.checkpointing = run.catch(() => undefined);
    return run;
  }

  /** The stored checkpoint must still be ours; otherwise MongoDB lost or someone moved it. */
  private async verify(): Promise<void> {
    const stored = await this.checkpoints.load(this.name);
    const same =
      stored === null
        ? this.expected === null
        : this.expected !== null && stored.commit === this.expected.commit && stored.prepare === this.expected.prepare;
    if (!same) throw new CheckpointMismatch(this.name);
  }

  /** The runner's checkpoint: after a batch, or a filter checkpoint beyond every event handled. */
  private async advance(position: Position): Promise<void> {
    if (!this.options.pipeline) return this.serially(() => this.storeCheckpoint(position));
    if (this.staged && comparePositions(position, this.staged) === 0) {
      // This batch's writes may still be queued: the checkpoint covers the batches before it.
      await this.writer.settledBeforeLast();
      const durable = this.stagedBefore;
      if (durable) await this.serially(() => this.storeCheckpoint(durable));
      return;
    }
    await this.writer.settled();
    await this.serially(() => this.storeCheckpoint(position));
  }

  /** Stores a checkpoint guarded by the one this session expects (never moving it back). */
  private async storeCheckpoint(position: Position): Promise<void> {
    const name = this.name;
    if (this.expected && comparePositions(position, this.expected) <= 0) return;
    const checkpoints = this.options.db.collection<{ _id: string; commit: string; prepare: string; at: Date }>(
      CHECKPOINTS_COLLECTION,
    );
    const update = { $set: { commit: position.commit.toString(), prepare: position.prepare.toString(), at: new Date() } };
    if (this.expected === null) {
      await checkpoints.updateOne({ _id: name }, update, { upsert: true });
    } else {
      const result = await checkpoints.updateOne({ _id: name, commit: this.expected.commit.toString() }, update);
      if (result.matchedCount === 0) throw new CheckpointMismatch(name);
    }
    this.expected = position;
  }

  async stop(): Promise<void> {
    await this.subscription.stop();
    // A write that fails now leaves the checkpoint where its writes are durable: whoever
    // resumes this version (the follower, once a replay switched to it) redoes the rest.
    if (this.options.pipeline) {
      await this.flush().catch((error: unknown) =>
        (this.options.logger ?? silent).warn('read model writes left for the next run of this version', {
          version: this.version,
          error: String(error),
        }),
      );
    }
  }
}

export class ReadModelProjector {
  private session: Session | null = null;
  private timer: NodeJS.Timeout | null = null;
  private switching: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: ReadModelProjectorOptions) {}

  /** Resolves at once; the first session starts as soon as MongoDB tells the active version. */
  async start(): Promise<void> {
    this.booting = this.boot();
  }

  private booting: Promise<void> | null = null;

  private async boot(): Promise<void> {
    let version = this.options.version ?? null;
    for (let attempt = 0; version === null && !this.stopped; attempt += 1) {
      version = await this.activeVersionOrNull();
      if (version === null) await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
    if (this.stopped || version === null) return;
    this.session = new Session(version, this.options);
    if (this.options.version === undefined) {
      this.timer = setInterval(() => void this.follow(), this.options.followIntervalMs ?? 1000);
      this.timer.unref();
    }
  }

  get version(): number | null {
    return this.session?.version ?? null;
  }

  get subscription(): RunningSubscription | null {
    return this.session?.subscription ?? null;
  }

  /** Resolves once the current version has caught up with `$all`. */
  async waitUntilCaughtUp(timeoutMs = 60_000): Promise<void> {
    await this.booting;
    await this.session?.subscription.waitUntilCaughtUp(timeoutMs);
  }

  /** Makes every write handled so far durable and checkpointed (see `pipeline`). */
  async flush(): Promise<void> {
    await this.booting;
    await this.session?.flush();
  }

  /** Creates every index of the current version (those `deferIndexes` left out). */
  async ensureIndexes(): Promise<void> {
    await this.booting;
    await this.session?.store.ensureIndexes();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.booting;
    if (this.timer) clearInterval(this.timer);
    await this.switching;
    await this.session?.stop();
  }

  private async activeVersionOrNull(): Promise<number | null> {
    try {
      return await activeVersion(this.options.db);
    } catch (error) {
      (this.options.logger ?? silent).warn('cannot read the active read model version yet', { error: String(error) });
      return null;
    }
  }

  /** Moves to the active version when a replay switched to a new one. */
  private async follow(): Promise<void> {
    if (this.switching || this.stopped) return;
    const version = await this.activeVersionOrNull();
    if (version === null || version === this.session?.version || this.stopped) return;
    this.switching = (async () => {
      (this.options.logger ?? silent).info('following the active read model version', { from: this.session?.version, to: version });
      await this.session?.stop();
      if (!this.stopped) this.session = new Session(version, this.options);
    })().finally(() => {
      this.switching = null;
    });
    await this.switching;
  }
}
