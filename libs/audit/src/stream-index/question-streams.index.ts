/**
 * The index of the events that make up each question page: every event of `question-<id>`,
 * its `answer-*`, `comment-*` and `vote-*` streams (each of them names its question), kept
 * as stored (type, stream, revision, position, time and data as one JSON text, beside the
 * few fields it is queried by; keyed by the event id, written once). Time travel reads a page's events up to the requested time in one indexed
 * query instead of scanning `$all`.
 *
 * Why the events themselves rather than the names of the streams to read: a busy question
 * has dozens of answer and comment streams and hundreds of one-event vote streams, and one
 * read per stream costs a round trip and about a millisecond of CPU between client and
 * server, which dominated the page (50 answers, 500 votes: 61 stream reads and a vote query,
 * some 90 ms of CPU, against a few for one query). The copies hold nothing the events do not:
 * personal data in them is sealed as in the log, so erasing a person's key leaves the copies
 * as unreadable as the originals.
 *
 * Why a MongoDB collection fed by our own subscription: EventStoreDB could keep a link
 * stream per question only through its server-side projections (or a second append per
 * event from the write side, which would make every command write two streams). A
 * subscription keeps the write side untouched and the index rebuildable from `$all`.
 */
import type {
  CheckpointStore,
  EventStore,
  Position,
  RunningSubscription,
  StoredEvent,
  SubscriptionLogger,
} from '@qa/event-store';
import { runSubscription } from '@qa/event-store';
import { MongoCheckpointStore } from '@qa/read-models';
import { MongoBulkWriteError, type Collection, type Db } from 'mongodb';
import { eventTime } from '../time-travel/question-page.fold';

/**
 * The index's collection and checkpoint, named after the shape of their documents: an index
 * of another shape (this one replaced one of separate fields, which replaced one of stream
 * names and votes) starts afresh from the beginning of `$all`.
 */
export const QUESTION_EVENTS_COLLECTION = 'question_events_v2';
export const QUESTION_STREAMS_SUBSCRIPTION = 'audit-question-events-v2';
/** Events after a live index's position read to find the last one it still has to take in. */
const LIVE_TAIL = 64;
/** A page's events come in one batch (the driver's default is 101 documents a round trip). */
const READ_BATCH = 10_000;

export const QUESTION_STREAM_PREFIXES = ['question-', 'answer-', 'comment-', 'vote-'];

const isIndexedStream = (stream: string) =>
  QUESTION_STREAM_PREFIXES.some((prefix) => stream.startsWith(prefix));

/** The events that begin the streams of a question page. */
const FIRST_EVENT_TYPES = ['QuestionAsked', 'AnswerPosted', 'CommentPosted'];

/** A stream of a question page, as `streamsOf` lists it. */
export interface QuestionStreamDoc {
  /** The stream name. */
  _id: string;
  questionId: string;
  /** `$all` commit position of the stream's first event. */
  pos: number;
  /** Time of the stream's first event (ISO 8601). */
  at: string;
}

/** One event as the index keeps it: enough to hand it back to the projection. */
export interface QuestionEventDoc {
  /** The event id. */
  _id: string;
  /** The fields the index is queried by. */
  questionId: string;
  type: string;
  stream: string;
  revision: number;
  /** `$all` commit position. */
  pos: number;
  /** The event's time (`eventTime`), ISO 8601. */
  at: string;
  /**
   * The whole event as JSON text (`IndexedEventJson`), the only field a page reads: one
   * string per event costs the server and the driver far less to encode and decode than a
   * document of fields, and the text is read straight out of the reply's bytes.
   */
  e: string;
}

/** What `QuestionEventDoc.e` holds. */
interface IndexedEventJson {
  id: string;
  type: string;
  stream: string;
  revision: number;
  pos: number;
  prepare: number;
  at: string;
  data: unknown;
}

/** The event's index entry, or null for an event of no question page. */
export function eventEntry(event: StoredEvent): QuestionEventDoc | null {
  if (!isIndexedStream(event.stream)) return null;
  const questionId = (event.data as { questionId?: unknown } | null)?.questionId;
  if (typeof questionId !== 'string') return null;
  const json: IndexedEventJson = {
    id: event.id,
    type: event.type,
    stream: event.stream,
    revision: Number(event.revision),
    pos: Number(event.position.commit),
    prepare: Number(event.position.prepare),
    at: eventTime(event),
    data: event.data,
  };
  return {
    _id: json.id,
    questionId,
    type: json.type,
    stream: json.stream,
    revision: json.revision,
    pos: json.pos,
    at: json.at,
    e: JSON.stringify(json),
  };
}

/** The indexed event (`QuestionEventDoc.e`) back in the shape the event store delivered it (metadata: its time). */
export function indexedEvent(text: string): StoredEvent {
  const e = JSON.parse(text) as IndexedEventJson;
  return {
    id: e.id,
    type: e.type,
    stream: e.stream,
    revision: BigInt(e.revision),
    position: { commit: BigInt(e.pos), prepare: BigInt(e.prepare) },
    data: e.data,
    metadata: { correlationId: '', causationId: '', actor: '', at: e.at, schemaVersion: 1 },
    created: new Date(0),
  };
}

const BSON_STRING = 0x02;

/**
 * The string field `name` of a document as the driver hands it over raw (its BSON bytes):
 * a page's few hundred events are read without building a document object per event. Only
 * for documents projected to string fields; anything else is refused rather than guessed.
 */
export function rawStringField(doc: Uint8Array, name: string): string {
  const buffer = Buffer.from(doc.buffer, doc.byteOffset, doc.byteLength);
  const size = buffer.readInt32LE(0);
  let at = 4;
  while (at < size - 1) {
    const type = buffer[at];
    const nameEnd = buffer.indexOf(0, at + 1);
    if (nameEnd < 0) break;
    if (type !== BSON_STRING) break;
    const length = buffer.readInt32LE(nameEnd + 1);
    const start = nameEnd + 5;
    if (buffer.toString('latin1', at + 1, nameEnd) === name)
      return buffer.toString('utf8', start, start + length - 1);
    at = start + length;
  }
  throw new Error(`the indexed event has no string field ${name}`);
}

const DUPLICATE_KEY = 11000;

/** Inserts documents keyed by what they record; one already there was a re-delivery. */
async function insertOnce<T extends { _id: string }>(
  collection: Collection<T>,
  docs: T[],
): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs as unknown as Parameters<Collection<T>['insertMany']>[0], {
      ordered: false,
    });
  } catch (error) {
    if (
      error instanceof MongoBulkWriteError &&
      [error.writeErrors].flat().every((e) => e.code === DUPLICATE_KEY) &&
      !error.writeConcernError
    ) {
      return;
    }
    throw error;
  }
}

export class QuestionStreamsStore {
  readonly collection: Collection<QuestionEventDoc>;

  constructor(readonly db: Db) {
    this.collection = db.collection<QuestionEventDoc>(QUESTION_EVENTS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ questionId: 1, pos: 1 }, { name: 'questionId' });
  }

  /** Records the events of question pages; a re-delivered event changes nothing. */
  async add(events: StoredEvent[]): Promise<void> {
    await insertOnce(
      this.collection,
      events.map(eventEntry).filter((e): e is QuestionEventDoc => e !== null),
    );
  }

  /** The question's events up to `asOf` (inclusive, by `eventTime`), in `$all` order. */
  async eventsOf(questionId: string, asOf: string): Promise<StoredEvent[]> {
    return this.find({ questionId, at: { $lte: asOf } });
  }

  /** The question's votes cast up to `asOf`, in `$all` order. */
  async votesOf(questionId: string, asOf: string): Promise<StoredEvent[]> {
    return this.find({ questionId, type: 'VoteCast', at: { $lte: asOf } });
  }

  /** The question's streams that had begun at `asOf` (all of them without it), oldest first. */
  async streamsOf(questionId: string, asOf?: string): Promise<QuestionStreamDoc[]> {
    const docs = await this.collection
      .find(
        {
          questionId,
          revision: 0,
          type: { $in: FIRST_EVENT_TYPES },
          ...(asOf === undefined ? {} : { at: { $lte: asOf } }),
        },
        { projection: { stream: 1, questionId: 1, pos: 1, at: 1 } },
      )
      .sort({ pos: 1 })
      .batchSize(READ_BATCH)
      .toArray();
    return docs.map((d) => ({ _id: d.stream, questionId: d.questionId, pos: d.pos, at: d.at }));
  }

  private async find(filter: Parameters<Collection<QuestionEventDoc>['find']>[0]) {
    const docs = (await this.collection
      .find(filter, { projection: { _id: 0, e: 1 }, raw: true })
      .sort({ pos: 1 })
      .batchSize(READ_BATCH)
      .toArray()) as unknown as Uint8Array[];
    return docs.map((doc) => indexedEvent(rawStringField(doc, 'e')));
  }
}

/** Keeps the index up to date from `$all`, with its own checkpoint next to the read models'. */
export class QuestionStreamsIndexer {
  private running: RunningSubscription | null = null;
  /** The catch-up check under way, if any. */
  private checking: Promise<boolean> | null = null;
  /** The check that starts next, shared by everyone who asked since the last one started. */
  private queued: Promise<boolean> | null = null;

  constructor(
    private readonly eventStore: EventStore,
    readonly store: QuestionStreamsStore,
    private readonly options: {
      logger?: SubscriptionLogger;
      checkpoints?: CheckpointStore;
      batchSize?: number;
    } = {},
  ) {}

  start(): RunningSubscription {
    if (this.running) return this.running;
    let indexed = false;
    this.running = runSubscription({
      store: this.eventStore,
      name: QUESTION_STREAMS_SUBSCRIPTION,
      checkpoints: this.options.checkpoints ?? new MongoCheckpointStore(this.store.db),
      streamPrefixes: QUESTION_STREAM_PREFIXES,
      batchSize: this.options.batchSize ?? 1000,
      logger: this.options.logger,
      maxRetryDelayMs: 2000,
      handler: async (events) => {
        if (!indexed) {
          await this.store.ensureIndexes();
          indexed = true;
        }
        await this.store.add(events);
      },
    });
    return this.running;
  }

  /**
   * Resolves true once the index holds every stream begun before this call, false after
   * `timeoutMs`. A page computed from a lagging index could miss a new answer or vote.
   *
   * Once the subscription is live it receives each matching event as it is stored, but its
   * position only passes the events the filter skips (a user's, say) at the server's next
   * filter checkpoint, which may be many events away. So rather than wait for the head of
   * `$all`, it reads what `$all` holds after the index's position (a live index is at most a
   * checkpoint interval behind, a few events) and waits only for the last of those the index
   * wants: none, most of the time. A longer tail falls back to waiting for the head.
   *
   * Callers who arrive while a check is under way share the next one, which starts after all
   * of them arrived and so sees everything stored before each of their calls: concurrent pages
   * cost one read of `$all` between them, not one each. A shared check that times out under a
   * shorter timeout than the caller's is retried for the caller with the time it has left.
   */
  async catchUp(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (await beforeDeadline(this.nextCheck(timeoutMs), timeoutMs)) return true;
    const left = deadline - Date.now();
    return left > 0 ? this.check(left) : false;
  }

  /**
   * A check that starts after this call: the next one, which starts once the current one is
   * done (at once when there is none, after the callers of this same turn have joined it).
   */
  private nextCheck(timeoutMs: number): Promise<boolean> {
    if (this.queued) return this.queued;
    const start = () => {
      this.queued = null;
      return this.begin(timeoutMs);
    };
    this.queued = (this.checking ?? Promise.resolve()).then(start, start);
    return this.queued;
  }

  private begin(timeoutMs: number): Promise<boolean> {
    const check: Promise<boolean> = this.check(timeoutMs).finally(() => {
      if (this.checking === check) this.checking = null;
    });
    this.checking = check;
    return check;
  }

  private async check(timeoutMs: number): Promise<boolean> {
    const running = this.start();
    const deadline = Date.now() + timeoutMs;
    if (!running.caughtUp) {
      try {
        await running.waitUntilCaughtUp(timeoutMs);
      } catch {
        return false;
      }
    }
    const from = running.position;
    const tail = await this.eventStore.readAll({ from: from ?? 'start', maxCount: LIVE_TAIL });
    let target: Position | null = null;
    if (tail.length < LIVE_TAIL) {
      // the whole rest of `$all`: only its last indexed event needs to be in
      for (const event of tail) if (isIndexedStream(event.stream)) target = event.position;
      if (!target) return true;
    } else {
      target = await this.eventStore.headPosition();
      if (!target) return true;
    }
    const left = Math.max(0, deadline - Date.now());
    if (await running.waitForPosition(target, left)) return true;
    return false;
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    await running?.stop();
  }
}

/** The promise's value, or false once `ms` have passed without one. */
async function beforeDeadline(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
