/**
 * The index of the streams that make up each question page: `question-<id>`, its
 * `answer-*`, `comment-*` and `vote-*` streams, each with the position and time of its first
 * event. Time travel reads exactly these streams (and skips those that began after the
 * requested time) instead of scanning `$all`.
 *
 * Why a MongoDB collection fed by our own subscription: EventStoreDB could keep a link
 * stream per question only through its server-side projections (or a second append per
 * event from the write side, which would make every command write two streams). A
 * subscription keeps the write side untouched, and since only the first event of a stream
 * is indexed, the index has one small document per stream.
 */
import type { CheckpointStore, EventStore, Position, RunningSubscription, StoredEvent, SubscriptionLogger } from '@qa/event-store';
import { runSubscription } from '@qa/event-store';
import { MongoCheckpointStore } from '@qa/read-models';
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';

export const QUESTION_STREAMS_COLLECTION = 'question_streams';
export const QUESTION_STREAMS_SUBSCRIPTION = 'audit-question-streams';
/** How long a live index may take to show an event just stored. */
const LIVE_GRACE_MS = 200;

export const QUESTION_STREAM_PREFIXES = ['question-', 'answer-', 'comment-', 'vote-'];

export interface QuestionStreamDoc {
  /** The stream name. */
  _id: string;
  questionId: string;
  /** `$all` commit position of the stream's first event. */
  pos: number;
  /** Time of the stream's first event (ISO 8601). */
  at: string;
}

/** The index entry a stream's first event creates, or null for anything else. */
export function streamEntry(event: StoredEvent): QuestionStreamDoc | null {
  if (event.revision !== 0n) return null;
  const data = event.data as { questionId?: unknown; at?: unknown };
  switch (event.type) {
    case 'QuestionAsked':
    case 'AnswerPosted':
    case 'CommentPosted':
    case 'VoteCast':
      break;
    default:
      return null;
  }
  if (typeof data.questionId !== 'string') return null;
  return {
    _id: event.stream,
    questionId: data.questionId,
    pos: Number(event.position.commit),
    at: typeof data.at === 'string' ? data.at : event.metadata.at,
  };
}

export class QuestionStreamsStore {
  readonly collection: Collection<QuestionStreamDoc>;

  constructor(readonly db: Db) {
    this.collection = db.collection<QuestionStreamDoc>(QUESTION_STREAMS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ questionId: 1, pos: 1 }, { name: 'questionId' });
  }

  /** Records first events; a re-delivered one changes nothing (insert-once by stream name). */
  async add(entries: QuestionStreamDoc[]): Promise<void> {
    if (entries.length === 0) return;
    const ops: AnyBulkWriteOperation<QuestionStreamDoc>[] = entries.map(({ _id, ...rest }) => ({
      updateOne: { filter: { _id }, update: { $setOnInsert: rest }, upsert: true },
    }));
    await this.collection.bulkWrite(ops, { ordered: false });
  }

  /** The question's streams that had begun at `asOf` (all of them without it), oldest first. */
  async streamsOf(questionId: string, asOf?: string): Promise<QuestionStreamDoc[]> {
    const docs = await this.collection.find({ questionId }).sort({ pos: 1 }).toArray();
    return asOf === undefined ? docs : docs.filter((d) => d.at <= asOf);
  }
}

/** Keeps the index up to date from `$all`, with its own checkpoint next to the read models'. */
export class QuestionStreamsIndexer {
  private running: RunningSubscription | null = null;

  constructor(
    private readonly eventStore: EventStore,
    readonly store: QuestionStreamsStore,
    private readonly options: { logger?: SubscriptionLogger; checkpoints?: CheckpointStore; batchSize?: number } = {},
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
        await this.store.add(events.map(streamEntry).filter((e): e is QuestionStreamDoc => e !== null));
      },
    });
    return this.running;
  }

  /**
   * Resolves true once the index holds every stream begun before this call, false after
   * `timeoutMs`. A page computed from a lagging index could miss a new answer or vote.
   * The head of `$all` is often an event the filter skips (a user's), which the subscription
   * only passes at the server's next checkpoint; once the subscription is live it receives
   * each matching event as it is stored, so a short wait for the head is then enough.
   */
  async catchUp(timeoutMs: number): Promise<boolean> {
    const running = this.start();
    const head: Position | null = await this.eventStore.headPosition();
    if (!head) return true;
    if (!running.caughtUp) {
      const started = Date.now();
      try {
        await running.waitUntilCaughtUp(timeoutMs);
      } catch {
        return false;
      }
      timeoutMs = Math.max(0, timeoutMs - (Date.now() - started));
    }
    if (await running.waitForPosition(head, Math.min(timeoutMs, LIVE_GRACE_MS))) return true;
    return running.caughtUp;
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    await running?.stop();
  }
}
