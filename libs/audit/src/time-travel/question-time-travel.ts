/**
 * `GET /questions/:id?asOf=` and `audit question --as-of`: reads only the streams the index
 * lists for the question (those begun by then) plus its categories' streams, folds them up
 * to the requested time and renders the page; authors' points are those of that time, summed
 * from their reputation ledger up to it.
 */
import { streams, type CategoryCreated, type QuestionAsked, type QuestionEdited } from '@qa/domain';
import type { EventStore, StoredEvent } from '@qa/event-store';
import type { ReadModelStore } from '@qa/read-models';
import type { UserPoints } from '../../../read-models/src/questions/question.view';
import type { QuestionStreamsStore } from '../stream-index/question-streams.index';
import { foldQuestionDocs, pageAuthorIds, renderQuestionPage, type QuestionPage } from './question-page.fold';

/** Streams read at once; enough to keep the connection busy without flooding it. */
const READ_CONCURRENCY = 64;

export class QuestionTimeTravel {
  constructor(
    private readonly eventStore: EventStore,
    private readonly index: QuestionStreamsStore,
  ) {}

  /** The page at `asOf`, or null when the question was not visible then. */
  async pageAt(questionId: string, asOf: string, readModels: ReadModelStore): Promise<QuestionPage | null> {
    const events = await this.eventsAt(questionId, asOf);
    const docs = foldQuestionDocs(events, asOf);
    const users = await pointsAt(readModels, pageAuthorIds(docs, questionId), asOf);
    return renderQuestionPage(docs, questionId, users);
  }

  /** The events of the page's streams (those begun by `asOf`) and of its categories. */
  async eventsAt(questionId: string, asOf: string): Promise<StoredEvent[]> {
    const indexed = await this.index.streamsOf(questionId, asOf);
    const names = new Set(indexed.map((d) => d._id));
    names.add(streams.question(questionId));
    const events = (await readMany(this.eventStore, [...names])).flat();
    const categories = new Set<string>();
    for (const e of events) {
      if (e.type === 'QuestionAsked') for (const id of (e.data as QuestionAsked['data']).category?.path ?? []) categories.add(id);
      if (e.type === 'QuestionEdited')
        for (const id of (e.data as QuestionEdited['data']).changes.category?.path ?? []) categories.add(id);
    }
    const created = await readMany(
      this.eventStore,
      [...categories].map((id) => streams.category(id)),
      1,
    );
    return [...events, ...created.flat().filter((e) => e.type === 'CategoryCreated' && (e.data as CategoryCreated['data']).categoryId)];
  }
}

async function readMany(store: EventStore, names: string[], maxCount?: number): Promise<StoredEvent[][]> {
  const out: StoredEvent[][] = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      out[i] = await store.readStream(names[i], maxCount ? { maxCount } : undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
  return out;
}

/**
 * Users' points at `asOf`: the sum of their ledger entries up to then (a user's ledger always
 * sums to their points, see users.projection.ts).
 */
export async function pointsAt(store: ReadModelStore, ids: string[], asOf: string): Promise<UserPoints> {
  if (ids.length === 0) return new Map();
  const [users, entries] = await Promise.all([
    store.collection('users').find({ _id: { $in: ids } }, { projection: { username: 1 } }).toArray(),
    store
      .collection('ledger')
      .find({ userId: { $in: ids } }, { projection: { userId: 1, delta: 1, at: 1 } })
      .toArray(),
  ]);
  const points = new Map<string, number>();
  for (const e of entries) if (e.at <= asOf) points.set(e.userId, (points.get(e.userId) ?? 0) + e.delta);
  return new Map(users.map((u) => [u._id, { _id: u._id, username: u.username, points: points.get(u._id) ?? 0 }]));
}
