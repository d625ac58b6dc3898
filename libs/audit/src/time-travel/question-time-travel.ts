/**
 * `GET /questions/:id?asOf=` and `audit question --as-of`: reads the question's events up to
 * the requested time from the index (one query, whatever the size of the site) and its
 * categories' streams, folds them and renders the page.
 *
 * Authors are shown with their current points, as on every page (DOMAIN.md): a page shows
 * who wrote what, and reputation is a property of the person now. `audit user --as-of`
 * explains a user's points at any time.
 */
import { streams, type CategoryCreated, type QuestionAsked, type QuestionEdited } from '@qa/domain';
import type { EventStore, StoredEvent } from '@qa/event-store';
import { loadAuthors, type ReadModelStore, type UserPoints } from '@qa/read-models';

import type { QuestionStreamsStore } from '../stream-index/question-streams.index';
import {
  foldQuestionDocs,
  pageAuthorIds,
  renderQuestionPage,
  type QuestionPage,
} from './question-page.fold';

/** Category streams read at once. */
const READ_CONCURRENCY = 8;
/** Categories whose creation events are kept; past it the memory starts again. */
const CATEGORY_CACHE = 10_000;

export class QuestionTimeTravel {
  /**
   * Each category's creation event, once read. A category stream holds that one event,
   * which never changes and holds nothing personal, so a kept copy is the event itself and
   * a page with categories costs no read of the event store after the first.
   */
  private readonly categoryEvents = new Map<string, StoredEvent>();

  constructor(
    private readonly eventStore: EventStore,
    private readonly index: QuestionStreamsStore,
  ) {}

  /** The page at `asOf`, or null when the question was not visible then. */
  async pageAt(
    questionId: string,
    asOf: string,
    readModels: ReadModelStore,
  ): Promise<QuestionPage | null> {
    const events = await this.eventsAt(questionId, asOf);
    const docs = foldQuestionDocs(events, asOf);
    const users = await loadAuthors(readModels, pageAuthorIds(docs, questionId));
    return renderQuestionPage(docs, questionId, users);
  }

  /**
   * The page's events up to `asOf`, from the index in one query (its question, answer,
   * comment and vote streams), and its categories' creation events.
   */
  async eventsAt(questionId: string, asOf: string): Promise<StoredEvent[]> {
    const events = await this.index.eventsOf(questionId, asOf);
    const categories = new Set<string>();
    for (const e of events) {
      if (e.type === 'QuestionAsked')
        for (const id of (e.data as QuestionAsked['data']).category?.path ?? []) categories.add(id);
      if (e.type === 'QuestionEdited')
        for (const id of (e.data as QuestionEdited['data']).changes.category?.path ?? [])
          categories.add(id);
    }
    if (categories.size === 0) return events;
    const unread = [...categories].filter((id) => !this.categoryEvents.has(id));
    if (unread.length > 0) {
      const read = await readMany(
        this.eventStore,
        unread.map((id) => streams.category(id)),
        1,
      );
      if (this.categoryEvents.size + unread.length > CATEGORY_CACHE) this.categoryEvents.clear();
      unread.forEach((id, i) => {
        const [created] = read[i].filter(
          (e) => e.type === 'CategoryCreated' && (e.data as CategoryCreated['data']).categoryId,
        );
        // a category not (yet) created is read again next time
        if (created) this.categoryEvents.set(id, created);
      });
    }
    const created: StoredEvent[] = [];
    for (const id of categories) {
      const e = this.categoryEvents.get(id);
      if (e) created.push(e);
    }
    return [...events, ...created];
  }
}

async function readMany(
  store: EventStore,
  names: string[],
  maxCount?: number,
): Promise<StoredEvent[][]> {
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
 * Users' points at `asOf` (for reports that want them): the sum of their ledger entries up to then (a user's ledger always
 * sums to their points, see users.projection.ts).
 */
export async function pointsAt(
  store: ReadModelStore,
  ids: string[],
  asOf: string,
): Promise<UserPoints> {
  if (ids.length === 0) return new Map();
  const [users, entries] = await Promise.all([
    store
      .collection('users')
      .find({ _id: { $in: ids } }, { projection: { username: 1 } })
      .toArray(),
    store
      .collection('ledger')
      .find({ userId: { $in: ids } }, { projection: { userId: 1, delta: 1, at: 1 } })
      .toArray(),
  ]);
  const points = new Map<string, number>();
  for (const e of entries)
    if (e.at <= asOf) points.set(e.userId, (points.get(e.userId) ?? 0) + e.delta);
  return new Map(
    users.map((u) => [u._id, { _id: u._id, username: u.username, points: points.get(u._id) ?? 0 }]),
  );
}
