/**
 * The index of the streams that make up each question page: `question-<id>`, its
 * `answer-*` and `comment-*` streams, each with the position and time of its first event,
 * and the question's votes. Time travel reads exactly these streams (and skips those that
 * began after the requested time) instead of scanning `$all`.
 *
 * Votes are the exception to "read the streams": a busy question has one `vote-*` stream
 * per voter and post, hundreds of one-event streams, and a round trip each would dominate
 * the page. The index keeps each vote event itself (a few fields, written once, keyed by the
 * event id), so a page reads its votes in one indexed query; its content, answers and
 * comments still come from their streams.
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

export const QUESTION_STREAMS_COLLECTION = 'question_streams';
export const QUESTION_VOTES_COLLECTION = 'question_votes';
export const QUESTION_STREAMS_SUBSCRIPTION = 'audit-question-streams';
/** Events after a live index's position read to find the last one it still has to take in. */
const LIVE_TAIL = 64;

export const QUESTION_STREAM_PREFIXES = ['question-', 'answer-', 'comment-', 'vote-'];

const isIndexedStream = (stream: string) =>
  QUESTION_STREAM_PREFIXES.some((prefix) => stream.startsWith(prefix));

export interface QuestionStreamDoc {
  /** The stream name. */
  _id: string;
  questionId: string;
  /** `$all` commit position of the stream's first event. */
  pos: number;
  /** Time of the stream's first event (ISO 8601). */
  at: string;
}

/** One vote event as the index keeps it: enough to hand it back to the projection. */
export interface QuestionVoteDoc {
  /** The event id. */
  _id: string;
  questionId: string;
  stream: string;
  revision: number;
  pos: number;
  prepare: number;
  at: string;
  data: unknown;
}

/** The index entry a stream's first event creates, or null for anything else. */
export function streamEntry(event: StoredEvent): QuestionStreamDoc | null {
  if (event.revision !== 0n) return null;
  const data = event.data as { questionId?: unknown };
  switch (event.type) {
    case 'QuestionAsked':
    case 'AnswerPosted':
    case 'CommentPosted':
      break;
    default:
      return null;
  }
  if (typeof data.questionId !== 'string') return null;
  return {
    _id: event.stream,
    questionId: data.questionId,
    pos: Number(event.position.commit),
    at: eventTime(event),
  };
}

/** The vote event's index entry, or null for anything else. */
export function voteEntry(event: StoredEvent): QuestionVoteDoc | null {
  if (event.type !== 'VoteCast') return null;
  const data = event.data as { questionId?: unknown };
  if (typeof data.questionId !== 'string') return null;
  return {
    _id: event.id,
    questionId: data.questionId,
    stream: event.stream,
    revision: Number(event.revision),
    pos: Number(event.position.commit),
    prepare: Number(event.position.prepare),
    at: eventTime(event),
    data: event.data,
  };
}

/** The indexed vote back in the shape the event store delivered it. */
export function voteEvent(doc: QuestionVoteDoc): StoredEvent {
  return {
    id: doc._id,
    type: 'VoteCast',
    stream: doc.stream,
    revision: BigInt(doc.revision),
    position: { commit: BigInt(doc.pos), prepare: BigInt(doc.prepare) },
    data: doc.data,
    metadata: { correlationId: '', causationId: '', actor: '', at: doc.at, schemaVersion: 1 },
    created: new Date(0),
  };
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
  readonly collection: Collection<QuestionStreamDoc>;
  readonly votes: Collection<QuestionVoteDoc>;

  constructor(readonly db: Db) {
    this.collection = db.collection<QuestionStreamDoc>(QUESTION_STREAMS_COLLECTION);
    this.votes = db.collection<QuestionVoteDoc>(QUESTION_VOTES_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ questionId: 1, pos: 1 }, { name: 'questionId' });
    await this.votes.createIndex({ questionId: 1, pos: 1 }, { name: 'questionId' });
  }

  /** Records first events and votes; a re-delivered event changes nothing. */
  async add(events: StoredEvent[]): Promise<void> {
    await insertOnce(
      this.collection,
      events.map(streamEntry).filter((e): e is QuestionStreamDoc => e !== null),
    );
    await insertOnce(
      this.votes,
      events.map(voteEntry).filter((e): e is QuestionVoteDoc => e !== null),
    );
  }

  /** The question's votes cast up to `asOf`, in `$all` order. */
  async votesOf(questionId: string, asOf: string): Promise<StoredEvent[]> {
    const docs = await this.votes
      .find({ questionId, at: { $lte: asOf } })
      .sort({ pos: 1 })
      .toArray();
    return docs.map(voteEvent);
  }

  /** The question's streams that had begun at `asOf` (all of them without it), oldest first. */
  async streamsOf(questionId: string, asOf?: string): Promise<QuestionStreamDoc[]> {
    const filter = asOf === undefined ? { questionId } : { questionId, at: { $lte: asOf } };
    return this.collection.find(filter).sort({ pos: 1 }).toArray();
  }
}

/** Keeps the index up to date from `$all`, with its own checkpoint next to the read models'. */
export class QuestionStreamsIndexer {
  private running: RunningSubscription | null = null;

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
   */
  async catchUp(timeoutMs: number): Promise<boolean> {
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
