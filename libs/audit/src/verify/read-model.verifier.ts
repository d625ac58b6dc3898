/**
 * `audit verify`: proves that the served read models are what the history says. It replays
 * `$all` up to the position the live read models have reached with the projector's own
 * projection, in memory, and compares every document of every collection, both ways; nothing
 * is written anywhere.
 *
 * - Documents written once per event (ledger entries, revisions) are final the moment the
 *   fold makes them: they are looked up in the live collection by `_id` in batches while the
 *   fold goes on, compared as BSON and forgotten (only their ids are kept). A live one the
 *   history does not have is found by counting: when the live collection holds more of them
 *   (up to the compared position) than matched, its ids are read to name the extra ones.
 * - Mutable documents (users, questions, ...) are held until the fold is done, then each live
 *   document is compared with the replayed one of the same `_id`; those no live document
 *   matched are missing.
 *
 * The live projector keeps running meanwhile: a live document it changed after that position
 * (its `pos` is beyond it) is left out of the comparison rather than reported.
 *
 * The history is read through the subscription runner, like the projector's: when EventStoreDB
 * drops the connection (a restart), the fold resumes after the last event it took, and the run
 * fails (EVENT_STORE_UNAVAILABLE) only once it has gone `retryForMs` without an event.
 */
import {
  eventStoreUnavailable,
  InMemoryCheckpointStore,
  runSubscription,
  type EventStore,
} from '@qa/event-store';
import {
  activeVersion,
  checkpointName,
  INSERT_ONCE,
  MongoCheckpointStore,
  PROJECTED_STREAM_PREFIXES,
  ReadModelProjection,
  ReadModelStore,
  toProjected,
  WRITE_ORDER,
  type CollectionName,
  type DocSet,
  type DocTypes,
} from '@qa/read-models';
import type { PointsRules } from '@qa/domain';
import { BSON, type Db, type Document } from 'mongodb';
import { matchesBson } from './bson-match';

export interface VerifyProgress {
  phase: 'replay' | 'compare';
  events: number;
  documents: number;
  eventsPerSecond: number;
}

export interface Difference {
  collection: CollectionName;
  id: string;
  /** missing: the history has it, the live model does not; unexpected: the reverse. */
  kind: 'missing' | 'unexpected' | 'different';
  /** Top-level fields that differ (kind `different`). */
  fields?: string[];
  live?: unknown;
  replayed?: unknown;
}

export interface VerifyReport {
  version: number;
  /** The position both sides were compared at (null: nothing projected yet). */
  position: string | null;
  events: number;
  documents: number;
  differences: Difference[];
  elapsedMs: number;
  /** Of `elapsedMs`, the time spent comparing the mutable documents once the history was folded. */
  compareMs: number;
}

export interface VerifyOptions {
  db: Db;
  eventStore: EventStore;
  rules?: PointsRules;
  /** Events folded between two turns of the event loop (default 2,000). */
  batchSize?: number;
  /** Called about once a second. */
  onProgress?: (progress: VerifyProgress) => void;
  /** Stop collecting after this many differences (default 1,000); the run still fails. */
  maxDifferences?: number;
  /** Per-event documents (ledger, revisions) looked up in the live collection per query (default 2,000). */
  lookupBatch?: number;
  /** Called when EventStoreDB dropped the history's subscription and it is read again from `events`. */
  onResume?: (resume: { events: number; error: string; retryInMs: number }) => void;
  /** How long the history may go without an event, through drops and retries, before the run fails (default 30 s). */
  retryForMs?: number;
  /** First delay before reading again after a drop (default 100 ms, doubled per failed attempt up to 5 s). */
  retryDelayMs?: number;
}

/** Events folded between two turns of the event loop, so the next page keeps arriving meanwhile. */
const FOLD_SLICE = 2_000;
/** Live documents per MongoDB batch. */
const LIVE_BATCH = 20_000;
/** Lookups of per-event documents in flight per collection. */
const LOOKUPS_IN_FLIGHT = 4;

export async function verifyReadModels(options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const version = await activeVersion(options.db);
  const target = await new MongoCheckpointStore(options.db).load(checkpointName(version));
  const live = new ReadModelStore(options.db, version);
  const limit = options.maxDifferences ?? 1000;
  const cutoff = target ? Number(target.commit) : -1;
  let events = 0;
  let documents = 0;
  let lastReport = Date.now();
  const report = (phase: VerifyProgress['phase']) => {
    if (!options.onProgress || Date.now() - lastReport < 1000) return;
    lastReport = Date.now();
    options.onProgress({
      phase,
      events,
      documents,
      eventsPerSecond: Math.round(events / ((Date.now() - started) / 1000)),
    });
  };
  const counted = (n = 1) => {
    documents += n;
  };
  const replayed = new ReplayedModels({
    live,
    cutoff,
    limit,
    counted,
    lookupBatch: options.lookupBatch ?? 2_000,
  });
  try {
    if (target) {
      const projection = new ReadModelProjection(options.rules);
      const retryForMs = options.retryForMs ?? 30_000;
      await new Promise<void>((resolve, reject) => {
        let done = false;
        let lastEventAt = Date.now();
        const finish = (error?: Error) => {
          if (done) return;
          done = true;
          void runner.stop().then(() => (error ? reject(error) : resolve()), reject);
        };
        // The history is read and decoded on a thread of its own (readAhead) while this one
        // folds it; per-event documents are compared meanwhile, so EventStoreDB, MongoDB and
        // the fold work at the same time (the fold gives way between slices, so the pages
        // and the lookups keep arriving). The runner's checkpoint, in memory, is the last
        // event folded: after a drop, the history is read again from there.
        const runner = runSubscription({
          store: options.eventStore,
          name: 'audit-verify',
          checkpoints: new InMemoryCheckpointStore(),
          streamPrefixes: PROJECTED_STREAM_PREFIXES,
          batchSize: options.batchSize ?? FOLD_SLICE,
          readAhead: true,
          retryDelayMs: options.retryDelayMs,
          handler: async (page) => {
            if (done) return;
            lastEventAt = Date.now();
            for (const stored of page) {
              if (stored.position.commit > target.commit) return finish();
              const event = toProjected(stored);
              if (event) projection.apply(replayed, event);
              events += 1;
            }
            await replayed.keepUp();
            report('replay');
            await yieldToEventLoop();
          },
          onCaughtUp: () => finish(),
          onRetry: ({ error, retryInMs }) => {
            if (Date.now() - lastEventAt > retryForMs) return finish(eventStoreUnavailable(error));
            options.onResume?.({ events, error: error.message, retryInMs });
          },
        });
      });
    }
    const comparing = Date.now();
    const progress = setInterval(() => report('compare'), 1000);
    try {
      // Collections are compared side by side; differences are listed in WRITE_ORDER, each
      // collection's in `_id` order.
      const found = await Promise.all(WRITE_ORDER.map((c) => replayed.finish(c)));
      const differences = found.flat().slice(0, limit);
      return {
        version,
        position: target ? target.commit.toString() : null,
        events,
        documents,
        differences,
        elapsedMs: Date.now() - started,
        compareMs: Date.now() - comparing,
      };
    } finally {
      clearInterval(progress);
    }
  } finally {
    await replayed.settle();
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type AnyDoc = DocTypes[CollectionName];

interface Comparison {
  live: ReadModelStore;
  /** The compared position: a live document beyond it is left out. */
  cutoff: number;
  /** Differences kept per collection. */
  limit: number;
  /** Counts compared documents. */
  counted: (n?: number) => void;
  lookupBatch: number;
}

/**
 * The replayed read models as the projection folds them (a DocSet): mutable documents in
 * memory; per-event documents compared with the live ones as they come.
 */
class ReplayedModels implements DocSet {
  /**
   * Per collection, its replayed documents (mutable) or its comparison (per-event): one
   * property read per call, as the fold reads and writes several documents per event.
   */
  private readonly mutable = {} as Record<CollectionName, Map<string, AnyDoc> | undefined>;
  private readonly once = {} as Record<CollectionName, PerEventDocuments | undefined>;
  /** The per-event collections' comparisons, in WRITE_ORDER. */
  private readonly comparisons: PerEventDocuments[] = [];

  constructor(private readonly comparison: Comparison) {
    for (const c of WRITE_ORDER) {
      if (INSERT_ONCE.has(c)) {
        const once = new PerEventDocuments(c, comparison);
        this.once[c] = once;
        this.comparisons.push(once);
      } else this.mutable[c] = new Map();
    }
  }

  get<C extends CollectionName>(collection: C, id: string): DocTypes[C] | null {
    // A per-event document is never read back, as the projector's writer never reads one
    // (a second insert of the same `_id` is dropped: the first one stays, see `put`).
    const docs = this.mutable[collection];
    return docs ? ((docs.get(id) as DocTypes[C] | undefined) ?? null) : null;
  }

  put<C extends CollectionName>(collection: C, doc: DocTypes[C]): void {
    const docs = this.mutable[collection];
    if (docs) docs.set(doc._id, doc);
    else this.once[collection]!.add(doc);
  }

  /** Waits while too many lookups are in flight (and fails if one did). */
  async keepUp(): Promise<void> {
    for (const once of this.comparisons) await once.keepUp();
  }

  async finish(collection: CollectionName): Promise<Difference[]> {
    const once = this.once[collection];
    const diffs = once
      ? await once.finish()
      : await compareMutable(collection, this.mutable[collection]!, this.comparison);
    return diffs.sort((p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
  }

  /** Waits for every lookup still in flight, whatever its outcome. */
  async settle(): Promise<void> {
    await Promise.all(this.comparisons.map((once) => once.settle()));
  }
}

/** A collection of per-event documents: compared with the live ones in batches, by `_id`. */
class PerEventDocuments {
  /** Every replayed id (to tell the live documents the history does not have). */
  private readonly ids = new Set<string>();
  private pending = new Map<string, AnyDoc>();
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown = null;
  private readonly diffs: Difference[] = [];
  /** Live documents found (any `pos`), and those of them at or before the compared position. */
  private found = 0;
  private foundUpTo = 0;

  constructor(
    private readonly collection: CollectionName,
    private readonly comparison: Comparison,
  ) {}

  add(doc: AnyDoc): void {
    if (this.ids.has(doc._id)) return;
    this.ids.add(doc._id);
    this.pending.set(doc._id, doc);
    if (this.pending.size >= this.comparison.lookupBatch) this.flush();
  }

  async keepUp(): Promise<void> {
    while (this.inFlight.length >= LOOKUPS_IN_FLIGHT) await this.inFlight[0];
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<Difference[]> {
    this.flush();
    while (this.inFlight.length > 0) await this.inFlight[0];
    if (this.failure) throw this.failure;
    const collection = this.comparison.live.collection(this.collection);
    // Every live document the replay has was found by its id: any other one up to the
    // compared position is one the history does not have.
    const [total, upTo] = await Promise.all([
      collection.countDocuments({}),
      collection.countDocuments({ pos: { $lte: this.comparison.cutoff } }),
    ]);
    this.comparison.counted(total - this.found);
    if (upTo > this.foundUpTo) {
      const cursor = collection
        .find(
          { pos: { $lte: this.comparison.cutoff } },
          { projection: { _id: 1 }, batchSize: LIVE_BATCH },
        )
        .map((d) => d._id);
      for await (const id of cursor) {
        if (this.ids.has(id)) continue;
        const l = await collection.findOne({ _id: id });
        if (l && l.pos <= this.comparison.cutoff)
          this.report({ collection: this.collection, id: String(id), kind: 'unexpected', live: l });
        if (this.diffs.length >= this.comparison.limit) break;
      }
      await cursor.close();
    }
    return this.diffs;
  }

  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private report(diff: Difference): void {
    if (this.diffs.length < this.comparison.limit) this.diffs.push(diff);
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const lookup = this.lookup(batch).then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= error;
      },
    );
    this.inFlight.push(lookup);
    void lookup.then(() => this.inFlight.splice(this.inFlight.indexOf(lookup), 1));
  }

  private async lookup(batch: Map<string, AnyDoc>): Promise<void> {
    const cursor = this.comparison.live
      .collection(this.collection)
      .find({ _id: { $in: [...batch.keys()] } } as Document, {
        raw: true,
        batchSize: LIVE_BATCH,
      });
    for await (const raw of cursor as unknown as AsyncIterable<Uint8Array>) {
      const id = idOf(raw) as string;
      const doc = batch.get(id);
      if (doc === undefined) continue;
      batch.delete(id);
      this.found += 1;
      this.comparison.counted();
      const { after, difference } = comparePair(this.collection, raw, doc, this.comparison.cutoff);
      if (!after) this.foundUpTo += 1;
      if (difference) this.report(difference);
    }
    for (const doc of batch.values()) {
      this.comparison.counted();
      this.report(missing(this.collection, doc));
    }
  }
}

/**
 * Streams the live collection (raw BSON, in whatever order MongoDB keeps it) and looks each
 * document up among the replayed ones by `_id`, to compare them (comparePair). A replayed
 * document is forgotten once compared: those left at the end are the missing ones.
 */
async function compareMutable(
  collection: CollectionName,
  expected: Map<unknown, AnyDoc>,
  { live, cutoff, limit, counted }: Comparison,
): Promise<Difference[]> {
  const diffs: Difference[] = [];
  const report = (diff: Difference) => {
    if (diffs.length < limit) diffs.push(diff);
  };
  const cursor = live.collection(collection).find({}, { raw: true, batchSize: LIVE_BATCH });
  try {
    for await (const raw of cursor as unknown as AsyncIterable<Uint8Array>) {
      counted();
      const id = idOf(raw);
      const doc = expected.get(id);
      if (doc === undefined) {
        const l = decode(raw);
        if (l.pos <= cutoff) report({ collection, id: String(l._id), kind: 'unexpected', live: l });
        continue;
      }
      expected.delete(id);
      const { difference } = comparePair(collection, raw, doc, cutoff);
      if (difference) report(difference);
    }
  } finally {
    await cursor.close();
  }
  for (const doc of expected.values()) {
    counted();
    report(missing(collection, doc));
  }
  expected.clear();
  return diffs;
}

const decode = (bytes: Uint8Array): Document => BSON.deserialize(bytes);

/**
 * A live document (raw) against its replayed one. A replayed document that serialises to the
 * live bytes is equal, told by walking both without serialising or decoding either (both come
 * from the same projection code, so that is almost every pair: see matchesBson); otherwise a
 * live document changed after the compared position is left out (`after`), and any other
 * pair is compared field by field, whatever its key order.
 */
function comparePair(
  collection: CollectionName,
  raw: Uint8Array,
  replayedDoc: AnyDoc,
  cutoff: number,
): { after: boolean; difference: Difference | null } {
  const walked = matchesBson(raw, replayedDoc);
  // serialised only when the walk cannot tell, and then once
  const replayedBytes = walked === null ? toBson(replayedDoc) : null;
  if (walked ?? asBuffer(raw).equals(replayedBytes!)) return { after: false, difference: null };
  const live = decode(raw);
  if (live.pos > cutoff) return { after: true, difference: null };
  // as MongoDB would hold it (an undefined field is stored as null)
  const replayed = decode(replayedBytes ?? toBson(replayedDoc));
  const fields = differingFields(live, replayed);
  if (fields.length === 0) return { after: false, difference: null };
  return {
    after: false,
    difference: { collection, id: String(live._id), kind: 'different', fields, live, replayed },
  };
}

/** A replayed document the live collection does not have (as MongoDB would hold it). */
function missing(collection: CollectionName, replayedDoc: AnyDoc): Difference {
  const replayed = decode(toBson(replayedDoc));
  return { collection, id: String(replayed._id), kind: 'missing', replayed };
}

/**
 * A document as the projector's MongoDB client sends it: the driver's default keeps an
 * undefined field, as null (BSON.serialize's own default would leave it out).
 */
const BSON_OPTIONS = { ignoreUndefined: false };
const toBson = (doc: Document): Uint8Array => BSON.serialize(doc, BSON_OPTIONS);

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * A document's `_id` read straight from its BSON when it is the first field and a string (as
 * every read model's is); decoded otherwise.
 */
function idOf(bytes: Uint8Array): unknown {
  // int32 size, then the element: type 0x02 (string), the name "_id\0", int32 length, bytes
  if (
    bytes.length > 12 &&
    bytes[4] === 0x02 &&
    bytes[5] === 0x5f &&
    bytes[6] === 0x69 &&
    bytes[7] === 0x64 &&
    bytes[8] === 0x00
  ) {
    const length = bytes[9] | (bytes[10] << 8) | (bytes[11] << 16) | (bytes[12] << 24);
    if (length >= 1 && 13 + length <= bytes.length) {
      return Buffer.from(bytes.buffer, bytes.byteOffset + 13, length - 1).toString('utf8');
    }
  }
  return decode(bytes)._id;
}

export function differingFields(a: Document, b: Document): string[] {
  // Both sides were written by the same projection code, so equal documents almost always
  // serialise identically; only a mismatch pays for the key-order-proof comparison.
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonical(a[k]) !== canonical(b[k])).sort();
}

/** JSON with sorted keys: two documents equal in content compare equal whatever their key order. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>).sort(([p], [q]) =>
              p < q ? -1 : p > q ? 1 : 0,
            ),
          )
        : v,
    ) ?? 'undefined'
  );
}
