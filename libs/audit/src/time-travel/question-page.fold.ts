/**
 * A question page as it stood at a given time, folded in memory by the very projection that
 * builds the live read models (ReadModelProjection over a MemoryDocSet) and rendered the
 * way the live page is: the two cannot disagree about what an event does to a page.
 *
 * Pure: the caller brings the events of the question's streams (and its categories') and
 * the authors' points at that time.
 */
import type { StoredEvent } from '@qa/event-store';
import {
  compareAnswers,
  MemoryDocSet,
  ReadModelProjection,
  toProjected,
  type PostDoc,
  type QuestionDoc,
} from '@qa/read-models';
import {
  authorView,
  editedView,
  type UserPoints,
} from '../../../read-models/src/questions/question.view';

/** The time an event happened: the command's time it carries, else the metadata's. */
export function eventTime(event: StoredEvent): string {
  const at = (event.data as { at?: unknown } | null)?.at;
  return typeof at === 'string' ? at : event.metadata.at;
}

/** The page's documents after every event up to `asOf` (inclusive), in `$all` order. */
export function foldQuestionDocs(
  events: StoredEvent[],
  asOf: string,
  projection = new ReadModelProjection(),
): MemoryDocSet {
  const docs = new MemoryDocSet();
  const ordered = [...events].sort((a, b) =>
    a.position.commit < b.position.commit ? -1 : a.position.commit > b.position.commit ? 1 : 0,
  );
  for (const stored of ordered) {
    if (eventTime(stored) > asOf) continue;
    const event = toProjected(stored);
    if (event) projection.apply(docs, event);
  }
  return docs;
}

/** Every author id the page shows (posters and editors of visible posts). */
export function pageAuthorIds(docs: MemoryDocSet, questionId: string): string[] {
  const q = docs.get('questions', questionId);
  if (!q) return [];
  const posts = visiblePosts(docs, questionId);
  return [
    ...new Set(
      [
        q.author.id,
        q.edited?.by.id,
        q.closed?.by,
        ...posts.flatMap((p) => [p.author.id, p.edited?.by.id]),
      ].filter((id): id is string => !!id),
    ),
  ];
}

function visiblePosts(docs: MemoryDocSet, questionId: string): PostDoc[] {
  return [...docs.collections.posts.values()]
    .filter((p) => p.questionId === questionId && !p.hidden)
    .sort((a, b) =>
      a.postedAt !== b.postedAt ? (a.postedAt < b.postedAt ? -1 : 1) : a._id < b._id ? -1 : 1,
    );
}

/**
 * The page in API.md's shape, or null when it was not visible then. It must stay the live
 * page's twin (`questionPage` in the read models, which reads the same documents from
 * MongoDB); the time-travel spec checks that the page as of now equals the live one.
 */
export function renderQuestionPage(docs: MemoryDocSet, questionId: string, users: UserPoints) {
  const q: QuestionDoc | null = docs.get('questions', questionId);
  if (!q || q.hidden) return null;
  const visible = visiblePosts(docs, questionId);
  const commentView = (c: PostDoc) => ({
    id: c._id,
    body: c.body,
    bodyHtml: c.bodyHtml,
    author: authorView(c.author, users),
    postedAt: c.postedAt,
    edited: editedView(c.edited, users),
  });
  const commentsOn = new Map<string, ReturnType<typeof commentView>[]>();
  for (const c of visible) {
    if (c.kind !== 'comment' || !c.parent) continue;
    const list = commentsOn.get(c.parent.id) ?? [];
    list.push(commentView(c));
    commentsOn.set(c.parent.id, list);
  }
  const answers = visible
    .filter((p) => p.kind === 'answer')
    .sort(compareAnswers)
    .map((a) => ({
      id: a._id,
      body: a.body,
      bodyHtml: a.bodyHtml,
      votes: a.votes,
      author: authorView(a.author, users),
      postedAt: a.postedAt,
      edited: editedView(a.edited, users),
      selected: a.selected,
      comments: commentsOn.get(a._id) ?? [],
    }));
  return {
    id: q._id,
    title: q.title,
    body: q.body,
    bodyHtml: q.bodyHtml,
    category: q.category,
    tags: q.tags,
    votes: q.votes,
    author: authorView(q.author, users),
    askedAt: q.askedAt,
    edited: editedView(q.edited, users),
    closed: q.closed
      ? {
          by: authorView(
            { id: q.closed.by, username: users.get(q.closed.by)?.username ?? '' },
            users,
          ),
          at: q.closed.at,
          reason: q.closed.reason,
        }
      : null,
    selectedAnswerId: q.selectedAnswerId,
    comments: commentsOn.get(q._id) ?? [],
    answers,
    answerCount: answers.length,
  };
}

export type QuestionPage = NonNullable<ReturnType<typeof renderQuestionPage>>;
