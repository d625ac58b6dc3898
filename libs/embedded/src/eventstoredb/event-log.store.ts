/**
 * The event log behind the embedded EventStoreDB-protocol server: one SQLite database
 * (a file, or `:memory:`) holding every stream's events in `$all` order.
 *
 * The `$all` position of an event is the rowid of its row, so a `$all` read is a range
 * scan of the table's own b-tree and a stream read is a range scan of (stream, revision).
 * Positions grow by the size of each record, as byte offsets do in a real transaction log,
 * so they look and compare like the real server's (commit = prepare = the position).
 * Each row keeps the event already encoded as the protobuf record the server sends
 * (see read-resp.encoder.ts), so reads copy bytes instead of rebuilding messages.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { decodeRecord, encodeRecord } from './read-resp.encoder';

/**
 * Soft delete writes `$tb` = `long.MaxValue`; appending again replaces it with the first
 * new revision. JSON.parse reads that number as the nearest double, which this is.
 */
export const SOFT_DELETED_TB = Number(9223372036854775807n);
const SOFT_DELETED_TB_TEXT = '9223372036854775807';

/** The real server's gRPC append limit: 1 MiB per append call. */
export const MAX_APPEND_SIZE = 1024 * 1024;

/** Expected revisions as the real server's storage writer encodes them. */
export const EXPECTED_ANY = -2;
export const EXPECTED_NO_STREAM = -1;
export const EXPECTED_STREAM_EXISTS = -4;

/** Revision stored for a tombstone; it is sent as `long.MaxValue`. */
const TOMBSTONE = -1;
/** Bytes a record takes in a real log beyond the encoded event, so positions advance like offsets. */
const RECORD_OVERHEAD = 64;
/** First position of a fresh log: past the 128-byte header a real chunk file starts with. */
const FIRST_POSITION = 128;
/** Layout of the tables; a file written with another layout is refused, not misread. */
const SCHEMA_VERSION = 2;

/** `$all` rows: [position, record]. */
export type AllRow = [number, Buffer];
/** Filtered `$all` rows: [position, record, stream name, event type]. */
export type FilterRow = [number, Buffer, string, string];
/** Stream rows: [position, record, revision, created (ms)]. */
export type StreamRow = [number, Buffer, number, number];

/** An event just written, as live subscriptions receive it. */
export interface WrittenEvent {
  position: number;
  stream: string;
  /** -1 for a tombstone. */
  revision: number;
  type: string;
  record: Buffer;
}

export interface ProposedEvent {
  id: string;
  type: string;
  isJson: boolean;
  data: Buffer;
  metadata: Buffer;
}

export interface AppendRequest {
  stream: string;
  expected: number;
  events: ProposedEvent[];
}

export type AppendOutcome =
  | { kind: 'ok'; revision: number; position: number }
  | { kind: 'wrong-expected-version'; current: number }
  | { kind: 'stream-deleted' };

export type DeleteOutcome =
  | { kind: 'ok'; position: number }
  | { kind: 'wrong-expected-version'; current: number }
  | { kind: 'stream-deleted' };

export interface StreamState {
  id: number;
  lastRevision: number;
  tombstoned: boolean;
}

/** The parts of stream metadata the server itself honours. */
export interface StreamMetadataRules {
  truncateBefore?: number;
  maxCount?: number;
  maxAge?: number;
}

interface StreamTableRow {
  id: number;
  last_revision: number;
  tombstoned: number;
}

/** How many event ids the idempotency cache for `any`/`stream_exists` appends remembers. */
const RECENT_WRITES_CAPACITY = 100_000;
/** Streams whose metadata rules are kept parsed in memory. */
const METADATA_CACHE_CAPACITY = 10_000;
/** Streams whose id and last revision are kept in memory (hot streams: every read and append). */
const STREAM_CACHE_CAPACITY = 50_000;
/** Streams of at most this many events can have their rows kept in memory for reads. */
const ROWS_CACHE_STREAM_EVENTS = 64;
/** Bytes of records the rows cache holds before it starts over. */
const ROWS_CACHE_BYTES = 16 * 1024 * 1024;

interface RecentWrite {
  streamId: number;
  revision: number;
  position: number;
}

export class EventLog {
  private readonly db: Database.Database;
  private nextPosition: number;
  private lastWrittenPosition: number;
  private readonly recentWrites = new Map<string, RecentWrite>();
  /**
   * The ids of `recentWrites` in the order they were first remembered, in a ring: the
   * oldest is evicted by index. Asking the Map for its first key instead walks over every
   * entry deleted since its last rehash, which grew to tens of microseconds per event once
   * the cache was full.
   */
  private readonly recentIds: string[];
  private recentHead = 0;
  private readonly recentCapacity: number;
  private readonly metadataCache = new Map<string, StreamMetadataRules | null>();
  private readonly streamCache = new Map<string, StreamState>();
  /**
   * Every row of small streams read recently, by stream id, at the index of its revision:
   * a command's read of a post is then an array slice instead of a query that copies each
   * record out of SQLite into a new Buffer. Rows never change once committed (deletes and
   * truncation are metadata the readers apply), so only commits extend an entry.
   */
  private readonly rowsCache = new Map<number, StreamRow[]>();
  private rowsCacheBytes = 0;
  /** Rows written by the current transaction, added to the rows cache once it commits. */
  private pendingRows: Array<[number, StreamRow]> = [];
  private readonly listeners = new Set<(events: WrittenEvent[]) => void>();
  /** Events written by the current transaction, published once it commits. */
  private pending: WrittenEvent[] = [];
  /** Ids of those events, remembered for idempotency once the transaction commits. */
  private pendingIds: [string, RecentWrite][] = [];
  /**
   * The same, by id, while appendAll runs: a later append of the group must find the ids an
   * earlier one wrote, as it would have had they been two transactions.
   */
  private readonly pendingById = new Map<string, RecentWrite>();

  private readonly selectStream: Database.Statement;
  private readonly insertStream: Database.Statement;
  private readonly updateStream: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly selectEventIdAt: Database.Statement;
  private readonly selectPositionAt: Database.Statement;
  private readonly selectAllForward: Database.Statement;
  private readonly selectAllBackward: Database.Statement;
  private readonly selectFilteredForward: Database.Statement;
  private readonly selectFilteredBackward: Database.Statement;
  private readonly selectStreamForward: Database.Statement;
  private readonly selectStreamBackward: Database.Statement;
  private readonly selectLastRecord: Database.Statement;
  private readonly selectRecordAt: Database.Statement;
  /** One wrapper for every write: BEGIN, the work, COMMIT (or ROLLBACK if it throws). */
  private readonly inTransaction: (work: () => unknown) => unknown;

  /** `recentWrites`: how many event ids the idempotency cache remembers (tests make it small). */
  constructor(file: string, options: { recentWrites?: number } = {}) {
    this.recentCapacity = options.recentWrites ?? RECENT_WRITES_CAPACITY;
    this.recentIds = new Array<string>(this.recentCapacity);
    this.db = new Database(file);
    if (file !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a transaction is in the WAL file when its commit returns, so an
      // acknowledged append survives the server process being killed; only an OS crash can
      // lose the last commits, as with a real node that does not fsync every write.
      this.db.pragma('synchronous = NORMAL');
      // SQLite's own default: a checkpoint copies at most 1,000 pages (4 MB) into the database
      // file, on the thread that commits. Bigger ones stalled appends for 50-100 ms at a time
      // every few seconds under steady load (bench:commands p99).
      this.db.pragma('wal_autocheckpoint = 1000');
    }
    this.db.pragma('cache_size = -16000');
    this.db.pragma('temp_store = MEMORY');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    const hasTables = this.db
      .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'")
      .pluck()
      .get() as number;
    if (hasTables && version !== SCHEMA_VERSION) {
      this.db.close();
      throw new Error(
        `${file} was written by another version of the embedded EventStoreDB server (layout ${version}, expected ${SCHEMA_VERSION}); move it away to start afresh`,
      );
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS streams (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        last_revision INTEGER NOT NULL DEFAULT -1,
        tombstoned INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS events (
        pos INTEGER PRIMARY KEY,
        stream_id INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        created INTEGER NOT NULL,
        record BLOB NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream_id, revision);
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);

    this.selectStream = this.db.prepare(
      'SELECT id, last_revision, tombstoned FROM streams WHERE name = ?',
    );
    this.insertStream = this.db.prepare('INSERT INTO streams (name) VALUES (?)');
    this.updateStream = this.db.prepare(
      'UPDATE streams SET last_revision = ?, tombstoned = ? WHERE id = ?',
    );
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (pos, stream_id, revision, event_id, type, created, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectEventIdAt = this.db
      .prepare('SELECT event_id FROM events WHERE stream_id = ? AND revision = ?')
      .pluck();
    this.selectPositionAt = this.db
      .prepare('SELECT pos FROM events WHERE stream_id = ? AND revision = ?')
      .pluck();
    this.selectAllForward = this.db
      .prepare('SELECT pos, record FROM events WHERE pos >= ? ORDER BY pos LIMIT ?')
      .raw();
    this.selectAllBackward = this.db
      .prepare('SELECT pos, record FROM events WHERE pos < ? ORDER BY pos DESC LIMIT ?')
      .raw();
    this.selectFilteredForward = this.db
      .prepare(
        'SELECT e.pos, e.record, s.name, e.type FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.pos >= ? ORDER BY e.pos LIMIT ?',
      )
      .raw();
    this.selectFilteredBackward = this.db
      .prepare(
        'SELECT e.pos, e.record, s.name, e.type FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.pos < ? ORDER BY e.pos DESC LIMIT ?',
      )
      .raw();
    this.selectStreamForward = this.db
      .prepare(
        'SELECT pos, record, revision, created FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
      )
      .raw();
    this.selectStreamBackward = this.db
      .prepare(
        'SELECT pos, record, revision, created FROM events WHERE stream_id = ? AND revision BETWEEN 0 AND ? ORDER BY revision DESC LIMIT ?',
      )
      .raw();
    this.selectLastRecord = this.db
      .prepare(
        'SELECT record FROM events WHERE stream_id = ? AND revision >= 0 ORDER BY revision DESC LIMIT 1',
      )
      .pluck();

    this.selectRecordAt = this.db
      .prepare('SELECT record FROM events WHERE stream_id = ? AND revision = ?')
      .pluck();
    this.inTransaction = this.db.transaction((work: () => unknown) => work());

    const head = this.db
      .prepare('SELECT pos, length(record) AS size FROM events ORDER BY pos DESC LIMIT 1')
      .get() as { pos: number; size: number } | undefined;
    this.nextPosition = head ? head.pos + RECORD_OVERHEAD + head.size : FIRST_POSITION;
    this.lastWrittenPosition = head ? head.pos : -1;
  }

  /** True when nothing was ever written: the server then writes a node's start-up events. */
  get isEmpty(): boolean {
    return this.lastWrittenPosition < 0;
  }

  /** Position of the last record written (-1 when the log is empty). */
  get headPosition(): number {
    return this.lastWrittenPosition;
  }

  /** Calls `listener` with the events of every commit, synchronously, right after it commits. */
  onAppended(listener: (events: WrittenEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  stream(name: string): StreamState | undefined {
    const cached = this.streamCache.get(name);
    if (cached) return cached;
    const row = this.selectStream.get(name) as StreamTableRow | undefined;
    if (!row) return undefined;
    const state = { id: row.id, lastRevision: row.last_revision, tombstoned: row.tombstoned === 1 };
    this.cacheStream(name, state);
    return state;
  }

  private cacheStream(name: string, state: StreamState): void {
    if (this.streamCache.size >= STREAM_CACHE_CAPACITY) this.streamCache.clear();
    this.streamCache.set(name, state);
  }

  /** The rules of the stream's latest `$$<stream>` metadata event, or null when it has none. */
  metadataOf(stream: string): StreamMetadataRules | null {
    const cached = this.metadataCache.get(stream);
    if (cached !== undefined) return cached;
    const document = this.metadataDocument(stream);
    const rules = document ? rulesOf(document) : null;
    if (this.metadataCache.size >= METADATA_CACHE_CAPACITY) this.metadataCache.clear();
    this.metadataCache.set(stream, rules);
    return rules;
  }

  private metadataDocument(stream: string): Record<string, unknown> | null {
    const meta = this.stream(`$$${stream}`);
    if (!meta || meta.lastRevision < 0) return null;
    const record = this.selectLastRecord.get(meta.id) as Buffer | undefined;
    if (!record) return null;
    try {
      const parsed = JSON.parse(Buffer.from(decodeRecord(record).data).toString('utf8')) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  /**
   * The record a `$>` link event points at (its data is `<revision>@<stream>`), or null
   * when `record` is not a link or its target is gone (deleted, truncated, never written).
   */
  resolveLink(record: Buffer): Buffer | null {
    const link = decodeRecord(record);
    if (link.type !== '$>') return null;
    const text = Buffer.from(link.data).toString('utf8');
    const at = text.indexOf('@');
    const revision = Number(text.slice(0, at));
    if (at <= 0 || !Number.isSafeInteger(revision) || revision < 0) return null;
    const name = text.slice(at + 1);
    const stream = this.stream(name);
    if (!stream || stream.tombstoned) return null;
    const truncateBefore = this.metadataOf(name)?.truncateBefore ?? 0;
    if (revision < truncateBefore) return null;
    return (this.selectRecordAt.get(stream.id, revision) as Buffer | undefined) ?? null;
  }

  isSoftDeleted(streamName: string): boolean {
    return this.metadataOf(streamName)?.truncateBefore === SOFT_DELETED_TB;
  }

  /**
   * Appends events with the storage writer's rules: expected revision, idempotency by
   * event id, deleted streams, and undoing a soft delete when the stream is written
   * again. One transaction per call: every event is stored or none is.
   */
  append(streamName: string, expected: number, events: ProposedEvent[]): AppendOutcome {
    return this.transaction(() => this.appendInTransaction(streamName, expected, events));
  }

  /**
   * Appends for several callers in one transaction, so they share one commit (one write of
   * the WAL instead of one each). Each append runs in its own savepoint and gets its own
   * outcome, in order, as if it had been called alone: one that throws is undone and answered
   * with its error, the others stay. If the commit itself fails, nothing is stored and every
   * append gets that error.
   */
  appendAll(requests: readonly AppendRequest[]): Array<AppendOutcome | Error> {
    if (requests.length === 1) {
      const { stream, expected, events } = requests[0];
      try {
        return [this.append(stream, expected, events)];
      } catch (error) {
        return [asError(error)];
      }
    }
    const outcomes: Array<AppendOutcome | Error> = [];
    try {
      this.transaction(() => {
        for (const { stream, expected, events } of requests) {
          const written = this.pending.length;
          const ids = this.pendingIds.length;
          const rows = this.pendingRows.length;
          try {
            outcomes.push(
              this.inTransaction(() =>
                this.appendInTransaction(stream, expected, events),
              ) as AppendOutcome,
            );
            for (let i = ids; i < this.pendingIds.length; i++) {
              this.pendingById.set(this.pendingIds[i][0], this.pendingIds[i][1]);
            }
          } catch (error) {
            this.pending.length = written;
            this.pendingIds.length = ids;
            this.pendingRows.length = rows;
            this.streamCache.clear();
            this.metadataCache.clear();
            this.rollbackPositions();
            outcomes.push(asError(error));
          }
        }
      });
    } catch (error) {
      return requests.map(() => asError(error));
    } finally {
      this.pendingById.clear();
    }
    return outcomes;
  }

  private transaction<T>(work: () => T): T {
    this.pending = [];
    this.pendingIds = [];
    this.pendingRows = [];
    let result: T;
    try {
      result = this.inTransaction(work) as T;
    } catch (error) {
      this.pending = [];
      this.pendingIds = [];
      this.pendingRows = [];
      // The caches may hold what the rolled-back transaction wrote.
      this.streamCache.clear();
      this.metadataCache.clear();
      this.rollbackPositions();
      throw error;
    }
    const written = this.pending;
    this.pending = [];
    for (const [id, write] of this.pendingIds) this.rememberWrite(id, write);
    this.pendingIds = [];
    for (const [streamId, row] of this.pendingRows) this.extendCachedRows(streamId, row);
    this.pendingRows = [];
    if (written.length > 0) {
      this.lastWrittenPosition = written[written.length - 1].position;
      for (const listener of this.listeners) {
        // The write is committed whatever a subscriber does with it; a failing subscriber
        // must not turn the append into an error for the writer.
        try {
          listener(written);
        } catch {
          this.listeners.delete(listener);
        }
      }
    }
    return result;
  }

  /** After a failed transaction, hand out positions from the last committed record again. */
  private rollbackPositions(): void {
    const head = this.db
      .prepare('SELECT pos, length(record) AS size FROM events ORDER BY pos DESC LIMIT 1')
      .get() as { pos: number; size: number } | undefined;
    this.nextPosition = head ? head.pos + RECORD_OVERHEAD + head.size : FIRST_POSITION;
  }

  private appendInTransaction(
    streamName: string,
    expected: number,
    events: ProposedEvent[],
  ): AppendOutcome {
    const stream = this.stream(streamName);
    const current = stream ? stream.lastRevision : -1;
    if (stream?.tombstoned) return { kind: 'stream-deleted' };

    const softDeleted = this.isSoftDeleted(streamName);
    const isMetastream = streamName.startsWith('$$');
    const originalSoftDeleted = isMetastream && this.isSoftDeleted(streamName.slice(2));

    if (expected === EXPECTED_STREAM_EXISTS) {
      if (softDeleted) return { kind: 'stream-deleted' };
      if (current < 0) {
        const meta = this.stream(`$$${streamName}`);
        if (!meta || meta.lastRevision < 0) return { kind: 'wrong-expected-version', current };
      }
    }

    if (stream && (expected === EXPECTED_ANY || expected === EXPECTED_STREAM_EXISTS)) {
      const known = this.checkRecentWrites(stream.id, events);
      if (known === 'corrupted') return { kind: 'wrong-expected-version', current };
      if (known) return { kind: 'ok', revision: known.revision, position: known.position };
    } else if (stream && expected >= EXPECTED_NO_STREAM && expected < current) {
      const verdict = this.checkStoredIds(stream.id, expected, current, events);
      if (verdict !== 'write') return verdict;
      if (!(expected === EXPECTED_NO_STREAM && softDeleted)) {
        return { kind: 'wrong-expected-version', current };
      }
    } else if (expected >= 0 && expected !== current) {
      return { kind: 'wrong-expected-version', current };
    }

    if (events.length === 0) return { kind: 'ok', revision: current, position: -1 };
    const streamId = stream ? stream.id : this.createStream(streamName);
    const last = this.writeEvents(streamId, streamName, current, events);
    if (softDeleted) this.undoSoftDelete(streamName, current + 1);
    if (isMetastream) {
      const original = streamName.slice(2);
      this.metadataCache.delete(original);
      // The real writer keeps a soft-deleted stream hidden when its metadata is rewritten:
      // the new metadata gets `$tb` = the stream's next revision.
      if (originalSoftDeleted) {
        const target = this.stream(original);
        this.undoSoftDelete(original, (target ? target.lastRevision : -1) + 1);
      }
    }
    return { kind: 'ok', revision: last.revision, position: last.position };
  }

  private checkRecentWrites(
    streamId: number,
    events: ProposedEvent[],
  ): RecentWrite | 'corrupted' | null {
    let last: RecentWrite | null = null;
    for (let i = 0; i < events.length; i++) {
      const id = events[i].id;
      const known = this.pendingById.get(id) ?? this.recentWrites.get(id);
      if (!known || known.streamId !== streamId) return i === 0 ? null : 'corrupted';
      last = known;
    }
    return last;
  }

  /**
   * Expected revision below the current one: the same ids already stored from expected+1
   * on make the append a no-op answered with the original result; a first id that differs
   * is a conflict ('write' lets the caller decide), a later one that differs too.
   */
  private checkStoredIds(
    streamId: number,
    expected: number,
    current: number,
    events: ProposedEvent[],
  ): AppendOutcome | 'write' {
    let revision = expected;
    for (let i = 0; i < events.length; i++) {
      revision += 1;
      const storedId = this.selectEventIdAt.get(streamId, revision) as string | undefined;
      if (storedId === events[i].id) continue;
      return i === 0 ? 'write' : { kind: 'wrong-expected-version', current };
    }
    if (revision === expected) return { kind: 'wrong-expected-version', current };
    const position = this.selectPositionAt.get(streamId, revision) as number;
    return { kind: 'ok', revision, position };
  }

  private createStream(name: string): number {
    return Number(this.insertStream.run(name).lastInsertRowid);
  }

  private writeEvents(
    streamId: number,
    streamName: string,
    current: number,
    events: ProposedEvent[],
  ): WrittenEvent {
    const created = Date.now();
    let revision = current;
    let last: WrittenEvent | undefined;
    for (const e of events) {
      revision += 1;
      const position = this.nextPosition;
      const record = encodeRecord({
        id: e.id,
        stream: streamName,
        revision,
        position,
        type: e.type,
        createdMs: created,
        isJson: e.isJson,
        metadata: e.metadata,
        data: e.data,
      });
      this.insertEvent.run(position, streamId, revision, e.id, e.type, created, record);
      this.nextPosition = position + RECORD_OVERHEAD + record.length;
      this.pendingIds.push([e.id, { streamId, revision, position }]);
      this.pendingRows.push([streamId, [position, record, revision, created]]);
      last = { position, stream: streamName, revision, type: e.type, record };
      this.pending.push(last);
    }
    this.updateStream.run(revision, 0, streamId);
    this.cacheStream(streamName, { id: streamId, lastRevision: revision, tombstoned: false });
    return last!;
  }

  private rememberWrite(id: string, write: RecentWrite): void {
    // An id already known keeps its place, as a Map key does when it is set again.
    if (!this.recentWrites.has(id)) {
      if (this.recentWrites.size >= this.recentCapacity) {
        this.recentWrites.delete(this.recentIds[this.recentHead]);
      }
      this.recentIds[this.recentHead] = id;
      this.recentHead = (this.recentHead + 1) % this.recentCapacity;
    }
    this.recentWrites.set(id, write);
  }

  /** The real writer's SoftUndeleteStream: rewrite the metadata with `$tb` = first live revision. */
  private undoSoftDelete(streamName: string, recreateFrom: number): void {
    const document = this.metadataDocument(streamName) ?? {};
    document.$tb = recreateFrom;
    this.writeSystemEvent(`$$${streamName}`, '$metadata', Buffer.from(JSON.stringify(document)));
    this.metadataCache.delete(streamName);
  }

  private writeSystemEvent(streamName: string, type: string, data: Buffer): WrittenEvent {
    const stream = this.stream(streamName);
    const streamId = stream ? stream.id : this.createStream(streamName);
    return this.writeEvents(streamId, streamName, stream ? stream.lastRevision : -1, [
      { id: randomUUID(), type, isJson: true, data, metadata: Buffer.alloc(0) },
    ]);
  }

  /** Soft delete (`hard` false) or tombstone (`hard` true), with the writer's expected-version rules. */
  delete(streamName: string, expected: number, hard: boolean): DeleteOutcome {
    return this.transaction((): DeleteOutcome => {
      const stream = this.stream(streamName);
      const current = stream ? stream.lastRevision : -1;
      if (stream?.tombstoned) return { kind: 'stream-deleted' };
      if (expected === EXPECTED_STREAM_EXISTS && this.isSoftDeleted(streamName)) {
        return { kind: 'stream-deleted' };
      }
      if (expected >= EXPECTED_NO_STREAM && expected !== current) {
        return { kind: 'wrong-expected-version', current };
      }
      if (expected === EXPECTED_STREAM_EXISTS && current < 0) {
        return { kind: 'wrong-expected-version', current };
      }
      if (hard) {
        const streamId = stream ? stream.id : this.createStream(streamName);
        const position = this.nextPosition;
        const id = randomUUID();
        const created = Date.now();
        const empty = Buffer.alloc(0);
        const record = encodeRecord({
          id,
          stream: streamName,
          revision: TOMBSTONE,
          position,
          type: '$streamDeleted',
          createdMs: created,
          isJson: false,
          metadata: empty,
          data: empty,
        });
        this.insertEvent.run(position, streamId, TOMBSTONE, id, '$streamDeleted', created, record);
        this.nextPosition = position + RECORD_OVERHEAD + record.length;
        this.updateStream.run(current, 1, streamId);
        this.cacheStream(streamName, { id: streamId, lastRevision: current, tombstoned: true });
        this.pending.push({
          position,
          stream: streamName,
          revision: TOMBSTONE,
          type: '$streamDeleted',
          record,
        });
        return { kind: 'ok', position };
      }
      const meta = this.stream(`$$${streamName}`);
      if (current < 0 && (!meta || meta.lastRevision < 0)) {
        return { kind: 'wrong-expected-version', current: -1 };
      }
      const written = this.writeSystemEvent(
        `$$${streamName}`,
        '$metadata',
        Buffer.from(`{"$tb":${SOFT_DELETED_TB_TEXT}}`),
      );
      this.metadataCache.delete(streamName);
      return { kind: 'ok', position: written.position };
    });
  }

  /** Writes the events a real node writes when it starts on an empty database. */
  writeStartupEvents(events: { stream: string; type: string; data: unknown }[]): void {
    this.transaction(() => {
      for (const e of events)
        this.writeSystemEvent(e.stream, e.type, Buffer.from(JSON.stringify(e.data)));
    });
  }

  readAllForward(fromPosition: number, limit: number): AllRow[] {
    return this.selectAllForward.all(fromPosition, limit) as AllRow[];
  }

  readAllBackward(beforePosition: number, limit: number): AllRow[] {
    return this.selectAllBackward.all(beforePosition, limit) as AllRow[];
  }

  readFilteredForward(fromPosition: number, limit: number): FilterRow[] {
    return this.selectFilteredForward.all(fromPosition, limit) as FilterRow[];
  }

  readFilteredBackward(beforePosition: number, limit: number): FilterRow[] {
    return this.selectFilteredBackward.all(beforePosition, limit) as FilterRow[];
  }

  readStreamForward(streamId: number, fromRevision: number, limit: number): StreamRow[] {
    const cached = this.rowsCache.get(streamId);
    if (cached) return cached.slice(fromRevision, fromRevision + limit);
    const rows = this.selectStreamForward.all(streamId, fromRevision, limit) as StreamRow[];
    if (fromRevision === 0 && rows.length < limit) this.cacheRows(streamId, rows);
    return rows;
  }

  readStreamBackward(streamId: number, fromRevision: number, limit: number): StreamRow[] {
    const cached = this.rowsCache.get(streamId);
    if (!cached) return this.selectStreamBackward.all(streamId, fromRevision, limit) as StreamRow[];
    const rows: StreamRow[] = [];
    for (let r = Math.min(fromRevision, cached.length - 1); r >= 0 && rows.length < limit; r--) {
      rows.push(cached[r]);
    }
    return rows;
  }

  /** Keeps a whole small stream's rows (revisions 0 to its last, none missing) for reads. */
  private cacheRows(streamId: number, rows: StreamRow[]): void {
    if (rows.length === 0 || rows.length > ROWS_CACHE_STREAM_EVENTS) return;
    let bytes = 0;
    for (let i = 0; i < rows.length; i++) {
      if (rows[i][2] !== i) return;
      bytes += rows[i][1].length;
    }
    if (this.rowsCacheBytes + bytes > ROWS_CACHE_BYTES) {
      this.rowsCache.clear();
      this.rowsCacheBytes = 0;
    }
    this.rowsCache.set(streamId, rows);
    this.rowsCacheBytes += bytes;
  }

  /** A committed row: appended to its stream's cached rows, or the entry dropped when it outgrows them. */
  private extendCachedRows(streamId: number, row: StreamRow): void {
    const cached = this.rowsCache.get(streamId);
    if (!cached) return;
    if (row[2] === cached.length && cached.length < ROWS_CACHE_STREAM_EVENTS) {
      // A record just encoded is a slice of Node's shared 8 KiB pool; keeping the slice
      // would keep the whole slab alive, so the cache keeps a copy of its own.
      const record = Buffer.allocUnsafeSlow(row[1].length);
      row[1].copy(record);
      cached.push([row[0], record, row[2], row[3]]);
      this.rowsCacheBytes += row[1].length;
    } else {
      this.rowsCache.delete(streamId);
      for (const r of cached) this.rowsCacheBytes -= r[1].length;
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** `$tb`, `$maxCount` and `$maxAge` of a metadata document (other keys are the user's). */
function rulesOf(doc: Record<string, unknown>): StreamMetadataRules {
  const rules: StreamMetadataRules = {};
  if (typeof doc.$tb === 'number') rules.truncateBefore = doc.$tb;
  if (typeof doc.$maxCount === 'number') rules.maxCount = doc.$maxCount;
  if (typeof doc.$maxAge === 'number') rules.maxAge = doc.$maxAge;
  return rules;
}
