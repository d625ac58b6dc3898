/**
 * The event log behind the embedded EventStoreDB-protocol server: one SQLite database
 * (a file, or `:memory:`) holding every stream's events in `$all` order.
 *
 * The `$all` position of an event is the rowid of its row, so a `$all` read is a range
 * scan of the table's own b-tree and a stream read is a range scan of (stream, revision).
 * Positions grow by the size of each record, as byte offsets do in a real transaction log,
 * so they look and compare like the real server's (commit = prepare = the position).
 */
import Database from 'better-sqlite3';

/** Revision of a tombstone record (`long.MaxValue` in the real server). */
export const TOMBSTONE_REVISION = 9223372036854775807n;
/** Soft delete writes `$tb` = `long.MaxValue`; appending again replaces it with the first new revision. */
export const SOFT_DELETED_TB = 9223372036854775807;

/** The real server's gRPC append limit: 1 MiB per append call. */
export const MAX_APPEND_SIZE = 1024 * 1024;

/** An expected revision as the real server's storage writer sees it. */
export const EXPECTED_ANY = -2;
export const EXPECTED_NO_STREAM = -1;
export const EXPECTED_STREAM_EXISTS = -4;

/** Bytes a record takes beyond its payload, so positions advance like log offsets. */
const RECORD_OVERHEAD = 98;
/** First position handed out in a fresh log: past the 128-byte header a real chunk file starts with. */
const FIRST_POSITION = 128;

/**
 * One event as read back, in column order, so a page of rows needs no per-row object:
 * [position, streamName, revision, eventId, type, isJson, createdMs, data, metadata].
 */
export type EventRow = [number, string, number, string, string, number, number, Buffer, Buffer];
export const ROW_POS = 0;
export const ROW_STREAM = 1;
export const ROW_REVISION = 2;
export const ROW_ID = 3;
export const ROW_TYPE = 4;
export const ROW_JSON = 5;
export const ROW_CREATED = 6;
export const ROW_DATA = 7;
export const ROW_METADATA = 8;

export interface ProposedEvent {
  id: string;
  type: string;
  isJson: boolean;
  data: Buffer;
  metadata: Buffer;
}

export type AppendOutcome =
  | { kind: 'ok'; revision: number; position: number; rows: EventRow[] }
  | { kind: 'wrong-expected-version'; current: number }
  | { kind: 'stream-deleted' };

export type DeleteOutcome =
  | { kind: 'ok'; position: number; rows: EventRow[] }
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

interface StreamRow {
  id: number;
  last_revision: number;
  tombstoned: number;
}

/** How many event ids the idempotency cache for `any`/`stream_exists` appends remembers. */
const RECENT_WRITES_CAPACITY = 100_000;

interface RecentWrite {
  streamId: number;
  revision: number;
  position: number;
}

export class EventLog {
  private readonly db: Database.Database;
  private nextPosition: number;
  private readonly recentWrites = new Map<string, RecentWrite>();
  private readonly metadataCache = new Map<string, StreamMetadataRules | null>();
  private readonly listeners = new Set<(rows: EventRow[]) => void>();

  private readonly selectStream: Database.Statement;
  private readonly insertStream: Database.Statement;
  private readonly updateStream: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly selectEventAt: Database.Statement;
  private readonly selectAllForward: Database.Statement;
  private readonly selectAllBackward: Database.Statement;
  private readonly selectStreamForward: Database.Statement;
  private readonly selectStreamBackward: Database.Statement;
  private readonly selectLastOfStream: Database.Statement;
  private readonly selectHeadPosition: Database.Statement;

  constructor(file: string) {
    this.db = new Database(file);
    if (file !== ':memory:') {
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a committed transaction is in the WAL file before the call
      // returns, so it survives the server process being killed; only an OS crash may
      // lose the last commits, as with the real server's default (no fsync per write).
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('wal_autocheckpoint = 4000');
    }
    this.db.pragma('cache_size = -32000');
    this.db.pragma('temp_store = MEMORY');
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
        is_json INTEGER NOT NULL,
        created INTEGER NOT NULL,
        data BLOB NOT NULL,
        metadata BLOB NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream_id, revision);
    `);

    this.selectStream = this.db.prepare(
      'SELECT id, last_revision, tombstoned FROM streams WHERE name = ?',
    );
    this.insertStream = this.db.prepare('INSERT INTO streams (name) VALUES (?)');
    this.updateStream = this.db.prepare(
      'UPDATE streams SET last_revision = ?, tombstoned = ? WHERE id = ?',
    );
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (pos, stream_id, revision, event_id, type, is_json, created, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const columns =
      'e.pos, s.name, e.revision, e.event_id, e.type, e.is_json, e.created, e.data, e.metadata';
    this.selectEventAt = this.db
      .prepare(`SELECT event_id FROM events WHERE stream_id = ? AND revision = ?`)
      .pluck();
    this.selectAllForward = this.db
      .prepare(
        `SELECT ${columns} FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.pos >= ? ORDER BY e.pos LIMIT ?`,
      )
      .raw();
    this.selectAllBackward = this.db
      .prepare(
        `SELECT ${columns} FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.pos < ? ORDER BY e.pos DESC LIMIT ?`,
      )
      .raw();
    this.selectStreamForward = this.db
      .prepare(
        `SELECT ${columns} FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.stream_id = ? AND e.revision >= ? ORDER BY e.revision LIMIT ?`,
      )
      .raw();
    this.selectStreamBackward = this.db
      .prepare(
        `SELECT ${columns} FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.stream_id = ? AND e.revision <= ? ORDER BY e.revision DESC LIMIT ?`,
      )
      .raw();
    this.selectLastOfStream = this.db
      .prepare(
        `SELECT ${columns} FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.stream_id = ? ORDER BY e.revision DESC LIMIT 1`,
      )
      .raw();
    this.selectHeadPosition = this.db.prepare(
      'SELECT pos, length(s.name) + length(e.type) + length(e.data) + length(e.metadata) AS size FROM events e JOIN streams s ON s.id = e.stream_id ORDER BY pos DESC LIMIT 1',
    );

    const head = this.selectHeadPosition.get() as { pos: number; size: number } | undefined;
    this.nextPosition = head ? head.pos + RECORD_OVERHEAD + head.size : FIRST_POSITION;
    this.lastWrittenPosition = head ? head.pos : -1;
  }

  /** True when nothing was ever written: the server then writes a node's start-up events. */
  get isEmpty(): boolean {
    return this.nextPosition === FIRST_POSITION;
  }

  /** Position of the last record written (-1 when the log is empty). */
  get headPosition(): number {
    return this.lastWrittenPosition;
  }
  private lastWrittenPosition = -1;

  onAppended(listener: (rows: EventRow[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }

  stream(name: string): StreamState | undefined {
    const row = this.selectStream.get(name) as StreamRow | undefined;
    if (!row) return undefined;
    return { id: row.id, lastRevision: row.last_revision, tombstoned: row.tombstoned === 1 };
  }

  /** The rules of the stream's latest `$$<stream>` metadata event, or null when it has none. */
  metadataOf(stream: string): StreamMetadataRules | null {
    const cached = this.metadataCache.get(stream);
    if (cached !== undefined) return cached;
    const meta = this.stream(`$$${stream}`);
    let rules: StreamMetadataRules | null = null;
    if (meta && meta.lastRevision >= 0) {
      const row = this.selectLastOfStream.get(meta.id) as EventRow | undefined;
      if (row) rules = parseMetadataRules(row[ROW_DATA]);
    }
    if (this.metadataCache.size > 10_000) this.metadataCache.clear();
    this.metadataCache.set(stream, rules);
    return rules;
  }

  /**
   * Appends events with the storage writer's rules: expected revision, idempotency by
   * event id, deleted streams, and the soft-delete undo when a soft-deleted stream is
   * written again. One transaction per call: either every event is stored or none.
   */
  append(streamName: string, expected: number, events: ProposedEvent[]): AppendOutcome {
    return this.db.transaction(() => this.appendInTransaction(streamName, expected, events))();
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
    const originalWasSoftDeleted =
      streamName.startsWith('$$') && this.isSoftDeleted(streamName.slice(2));
    if (expected === EXPECTED_STREAM_EXISTS) {
      if (softDeleted) return { kind: 'stream-deleted' };
      if (current < 0) {
        const meta = this.stream(`$$${streamName}`);
        if (!meta || meta.lastRevision < 0) return { kind: 'wrong-expected-version', current };
      }
    }

    if (stream && (expected === EXPECTED_ANY || expected === EXPECTED_STREAM_EXISTS)) {
      const idempotent = this.checkRecentWrites(stream.id, events);
      if (idempotent === 'corrupted') return { kind: 'wrong-expected-version', current };
      if (idempotent) return { kind: 'ok', revision: idempotent.revision, position: idempotent.position, rows: [] };
    } else if (stream && expected >= EXPECTED_NO_STREAM && expected < current) {
      return this.checkStoredIds(stream.id, streamName, expected, current, events, softDeleted);
    } else if (expected >= 0 && expected !== current) {
      return { kind: 'wrong-expected-version', current };
    } else if (expected === EXPECTED_NO_STREAM && current >= 0 && !softDeleted) {
      return { kind: 'wrong-expected-version', current };
    }

    if (events.length === 0) {
      return { kind: 'ok', revision: current, position: -1, rows: [] };
    }
    const streamId = stream ? stream.id : this.createStream(streamName);
    const rows = this.writeEvents(streamId, streamName, current, events);
    const last = rows[rows.length - 1];
    if (softDeleted) rows.push(...this.undoSoftDelete(streamName, current + 1));
    if (streamName.startsWith('$$')) {
      const original = streamName.slice(2);
      this.metadataCache.delete(original);
      // The real writer keeps a soft-deleted stream deleted when its metadata is rewritten:
      // the new metadata gets `$tb` = the stream's next revision.
      if (originalWasSoftDeleted) {
        const target = this.stream(original);
        rows.push(...this.undoSoftDelete(original, (target ? target.lastRevision : -1) + 1));
      }
    }
    this.publish(rows);
    return { kind: 'ok', revision: last[ROW_REVISION], position: last[ROW_POS], rows };
  }

  private checkRecentWrites(
    streamId: number,
    events: ProposedEvent[],
  ): RecentWrite | 'corrupted' | null {
    let last: RecentWrite | null = null;
    for (let i = 0; i < events.length; i++) {
      const known = this.recentWrites.get(events[i].id);
      if (!known || known.streamId !== streamId) return i === 0 ? null : 'corrupted';
      last = known;
    }
    return last;
  }

  private checkStoredIds(
    streamId: number,
    streamName: string,
    expected: number,
    current: number,
    events: ProposedEvent[],
    softDeleted: boolean,
  ): AppendOutcome {
    let revision = expected;
    for (let i = 0; i < events.length; i++) {
      revision += 1;
      const storedId = this.selectEventAt.get(streamId, revision) as string | undefined;
      if (storedId === events[i].id) continue;
      if (i > 0) return { kind: 'wrong-expected-version', current };
      if (expected === EXPECTED_NO_STREAM && softDeleted) {
        const rows = this.writeEvents(streamId, streamName, current, events);
        const last = rows[rows.length - 1];
        rows.push(...this.undoSoftDelete(streamName, current + 1));
        this.publish(rows);
        return { kind: 'ok', revision: last[ROW_REVISION], position: last[ROW_POS], rows };
      }
      return { kind: 'wrong-expected-version', current };
    }
    if (revision === expected) return { kind: 'wrong-expected-version', current };
    const row = this.selectStreamForward.get(streamId, revision, 1) as EventRow;
    return { kind: 'ok', revision, position: row[ROW_POS], rows: [] };
  }

  private createStream(name: string): number {
    return Number(this.insertStream.run(name).lastInsertRowid);
  }

  private writeEvents(
    streamId: number,
    streamName: string,
    current: number,
    events: ProposedEvent[],
  ): EventRow[] {
    const created = Date.now();
    const rows: EventRow[] = new Array(events.length);
    let revision = current;
    const nameLength = Buffer.byteLength(streamName);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      revision += 1;
      const pos = this.nextPosition;
      this.insertEvent.run(pos, streamId, revision, e.id, e.type, e.isJson ? 1 : 0, created, e.data, e.metadata);
      this.nextPosition =
        pos + RECORD_OVERHEAD + nameLength + e.type.length + e.data.length + e.metadata.length;
      this.rememberWrite(e.id, streamId, revision, pos);
      rows[i] = [pos, streamName, revision, e.id, e.type, e.isJson ? 1 : 0, created, e.data, e.metadata];
    }
    this.updateStream.run(revision, 0, streamId);
    this.lastWrittenPosition = rows[rows.length - 1][ROW_POS];
    return rows;
  }

  private rememberWrite(id: string, streamId: number, revision: number, position: number): void {
    if (this.recentWrites.size >= RECENT_WRITES_CAPACITY) {
      const oldest = this.recentWrites.keys().next().value as string;
      this.recentWrites.delete(oldest);
    }
    this.recentWrites.set(id, { streamId, revision, position });
  }

  isSoftDeleted(streamName: string): boolean {
    return this.metadataOf(streamName)?.truncateBefore === SOFT_DELETED_TB;
  }

  /** The real writer's SoftUndeleteStream: rewrite the metadata with `$tb` = first live revision. */
  private undoSoftDelete(streamName: string, recreateFrom: number): EventRow[] {
    const metaName = `$$${streamName}`;
    const meta = this.stream(metaName);
    let document: Record<string, unknown> = {};
    if (meta) {
      const row = this.selectLastOfStream.get(meta.id) as EventRow | undefined;
      if (row) {
        try {
          document = JSON.parse(row[ROW_DATA].toString('utf8')) as Record<string, unknown>;
        } catch {
          return [];
        }
      }
    }
    document.$tb = recreateFrom;
    const rows = this.writeSystemEvent(metaName, '$metadata', Buffer.from(JSON.stringify(document)));
    this.metadataCache.delete(streamName);
    return rows;
  }

  private writeSystemEvent(streamName: string, type: string, data: Buffer): EventRow[] {
    const stream = this.stream(streamName);
    const streamId = stream ? stream.id : this.createStream(streamName);
    const current = stream ? stream.lastRevision : -1;
    return this.writeEvents(streamId, streamName, current, [
      { id: randomUuid(), type, isJson: true, data, metadata: Buffer.alloc(0) },
    ]);
  }

  /** Soft delete (`hard` false) or tombstone (`hard` true), with the writer's expected-version rules. */
  delete(streamName: string, expected: number, hard: boolean): DeleteOutcome {
    return this.db.transaction((): DeleteOutcome => {
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
      let rows: EventRow[];
      if (hard) {
        const streamId = stream ? stream.id : this.createStream(streamName);
        const pos = this.nextPosition;
        const id = randomUuid();
        const created = Date.now();
        const empty = Buffer.alloc(0);
        this.insertEvent.run(pos, streamId, TOMBSTONE_REVISION, id, '$streamDeleted', 0, created, empty, empty);
        this.nextPosition = pos + RECORD_OVERHEAD + Buffer.byteLength(streamName) + 14;
        this.updateStream.run(current, 1, streamId);
        this.lastWrittenPosition = pos;
        rows = [[pos, streamName, Number(TOMBSTONE_REVISION), id, '$streamDeleted', 0, created, empty, empty]];
      } else {
        const meta = this.stream(`$$${streamName}`);
        if (current < 0 && (!meta || meta.lastRevision < 0)) {
          return { kind: 'wrong-expected-version', current: -1 };
        }
        rows = this.writeSystemEvent(
          `$$${streamName}`,
          '$metadata',
          Buffer.from(`{"$tb":${TOMBSTONE_REVISION.toString()}}`),
        );
        this.metadataCache.delete(streamName);
      }
      this.publish(rows);
      return { kind: 'ok', position: rows[rows.length - 1][ROW_POS], rows };
    })();
  }

  /** Writes the events a real node writes when it starts on an empty database. */
  writeStartupEvents(events: { stream: string; type: string; data: unknown }[]): void {
    this.db.transaction(() => {
      for (const e of events) {
        this.writeSystemEvent(e.stream, e.type, Buffer.from(JSON.stringify(e.data)));
      }
    })();
  }

  readAllForward(fromPosition: number, limit: number): EventRow[] {
    return this.selectAllForward.all(fromPosition, limit) as EventRow[];
  }

  readAllBackward(beforePosition: number, limit: number): EventRow[] {
    return this.selectAllBackward.all(beforePosition, limit) as EventRow[];
  }

  readStreamForward(streamId: number, fromRevision: number, limit: number): EventRow[] {
    return this.selectStreamForward.all(streamId, fromRevision, limit) as EventRow[];
  }

  readStreamBackward(streamId: number, fromRevision: number, limit: number): EventRow[] {
    return this.selectStreamBackward.all(streamId, fromRevision, limit) as EventRow[];
  }

  private publish(rows: EventRow[]): void {
    if (rows.length === 0) return;
    for (const listener of this.listeners) listener(rows);
  }
}

/** Reads `$tb`, `$maxCount` and `$maxAge` out of a metadata event's JSON (other keys are the user's). */
export function parseMetadataRules(data: Buffer): StreamMetadataRules | null {
  try {
    const doc = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    const rules: StreamMetadataRules = {};
    if (typeof doc.$tb === 'number') rules.truncateBefore = doc.$tb;
    if (typeof doc.$maxCount === 'number') rules.maxCount = doc.$maxCount;
    if (typeof doc.$maxAge === 'number') rules.maxAge = doc.$maxAge;
    return rules;
  } catch {
    return null;
  }
}

function randomUuid(): string {
  return crypto.randomUUID();
}
