/**
 * `audit verify`: proves that the served read models are what the history says. It replays
 * `$all` with the projector's own writer into scratch collections (another database, so the
 * served ones are never touched) up to the position the live read models have reached, then
 * compares every document of every collection, both ways.
 *
 * The live projector keeps running meanwhile: a live document it changed after that position
 * (its `pos` is beyond it) is left out of the comparison rather than reported.
 */
import type { EventStore, Position, StoredEvent } from '@qa/event-store';
import {
  activeVersion,
  checkpointName,
  MongoCheckpointStore,
  ReadModelProjection,
  ReadModelStore,
  ReadModelWriter,
  WRITE_ORDER,
  type CollectionName,
} from '@qa/read-models';
import type { PointsRules } from '@qa/domain';
import { BSON, type Db, type Document } from 'mongodb';

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
}

export interface VerifyOptions {
  db: Db;
  eventStore: EventStore;
  /** Where the scratch collections go; dropped before and after. */
  scratchDb: Db;
  rules?: PointsRules;
  /** Events read from `$all` per page (default 20,000). */
  batchSize?: number;
  /** Called about once a second. */
  onProgress?: (progress: VerifyProgress) => void;
  /** Stop collecting after this many differences (default 1,000); the run still fails. */
  maxDifferences?: number;
}

export async function verifyReadModels(options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const version = await activeVersion(options.db);
  const target = await new MongoCheckpointStore(options.db).load(checkpointName(version));
  const live = new ReadModelStore(options.db, version);
  const scratch = new ReadModelStore(options.scratchDb, version);
  // No secondary indexes on the scratch side: the writer only looks documents up by `_id`,
  // and every index would cost each of its writes.
  await scratch.drop();
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
  try {
    if (target) {
      const writer = new ReadModelWriter(scratch, new ReadModelProjection(options.rules), {
        cacheSize: 200_000,
      });
      // The scratch collections were just dropped and nothing else writes them: the writer
      // never has to look up a document it did not write.
      writer.assumeEmpty();
      const batchSize = options.batchSize ?? 20_000;
      const read = (from: Position | 'start') =>
        options.eventStore.readAll({ from, maxCount: batchSize });
      // The next page is read while this one is folded, and folded while MongoDB writes the
      // one before (the writer queues its writes): EventStoreDB, MongoDB and the fold work
      // at the same time.
      let next: Promise<StoredEvent[]> | null = read('start');
      while (next) {
        const page: StoredEvent[] = await next;
        const upTo = page.filter((e) => e.position.commit <= target.commit);
        next =
          page.length === batchSize && upTo.length === page.length
            ? read(page[page.length - 1].position)
            : null;
        if (upTo.length > 0) {
          await writer.stage(upTo);
          // at most this page is left to write while the next one is read and folded
          await writer.settledBeforeLast();
        }
        events += upTo.length;
        report('replay');
      }
      await writer.settled();
    }
    const limit = options.maxDifferences ?? 1000;
    const cutoff = target ? Number(target.commit) : -1;
    // Collections are compared side by side; differences are listed in WRITE_ORDER.
    const found = await Promise.all(
      WRITE_ORDER.map(async (collection) => {
        const diffs: Difference[] = [];
        for await (const diff of compareCollection(collection, live, scratch, cutoff, () => {
          documents += 1;
          report('compare');
        })) {
          diffs.push(diff);
          if (diffs.length >= limit) break;
        }
        return diffs;
      }),
    );
    const differences = found.flat().slice(0, limit);
    return {
      version,
      position: target ? target.commit.toString() : null,
      events,
      documents,
      differences,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await scratch.drop();
  }
}

/**
 * Walks both collections in `_id` order side by side, on the raw BSON of each document: two
 * documents with the same bytes are equal (both sides are written by the same projection
 * code, so that is almost every pair) and are never decoded; any other pair is decoded and
 * compared field by field, whatever its key order.
 */
async function* compareCollection(
  collection: CollectionName,
  live: ReadModelStore,
  replayed: ReadModelStore,
  cutoff: number,
  counted: () => void,
): AsyncGenerator<Difference> {
  const rawCursor = (store: ReadModelStore) =>
    store.collection(collection).find({}, { raw: true }).sort({ _id: 1 }).batchSize(10_000);
  const liveCursor = rawCursor(live);
  const replayedCursor = rawCursor(replayed);
  const a = liveCursor[Symbol.asyncIterator]() as unknown as AsyncIterator<Uint8Array>;
  const b = replayedCursor[Symbol.asyncIterator]() as unknown as AsyncIterator<Uint8Array>;
  try {
    let x = await a.next();
    let y = await b.next();
    while (!x.done || !y.done) {
      const lb = x.done ? null : x.value;
      const rb = y.done ? null : y.value;
      const lid = lb && idOf(lb);
      const rid = rb && idOf(rb);
      counted();
      if (lb && (!rb || (lid as string) < (rid as string))) {
        const l = decode(lb);
        if (l.pos <= cutoff) yield { collection, id: String(l._id), kind: 'unexpected', live: l };
        x = await a.next();
      } else if (rb && (!lb || (rid as string) < (lid as string))) {
        const r = decode(rb);
        yield { collection, id: String(r._id), kind: 'missing', replayed: r };
        y = await b.next();
      } else if (lb && rb) {
        if (!Buffer.from(lb.buffer, lb.byteOffset, lb.byteLength).equals(rb)) {
          const l = decode(lb);
          const r = decode(rb);
          if (l.pos <= cutoff) {
            const fields = differingFields(l, r);
            if (fields.length > 0)
              yield {
                collection,
                id: String(l._id),
                kind: 'different',
                fields,
                live: l,
                replayed: r,
              };
          }
        }
        x = await a.next();
        y = await b.next();
      }
    }
  } finally {
    await Promise.all([liveCursor.close(), replayedCursor.close()]);
  }
}

const decode = (bytes: Uint8Array): Document => BSON.deserialize(bytes);

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
