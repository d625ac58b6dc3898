/**
 * The question page in API.md's shape from its stored documents: the one renderer both the
 * live page (`questionPage`, documents from MongoDB) and time travel (documents folded in
 * memory) use, so the two can never disagree about how a page looks.
 *
 * Pure: documents and the authors' points in, page out.
 */
import type { PostDoc, QuestionDoc } from '../engine/read-model.documents';
import { authorView, editedView, type UserPoints } from './question.view';

/** Selected first, then net votes, then oldest (DOMAIN.md). */
export function compareAnswers(a: PostDoc, b: PostDoc): number {
  if (a.selected !== b.selected) return a.selected ? -1 : 1;
  if (a.votes.net !== b.votes.net) return b.votes.net - a.votes.net;
  if (a.postedAt !== b.postedAt) return a.postedAt < b.postedAt ? -1 : 1;
  return a._id < b._id ? -1 : 1;
}

/** A page's visible posts, oldest first (comments keep this order under their parent). */
export function visiblePagePosts(posts: Iterable<PostDoc>): PostDoc[] {
  return [...posts]
    .filter((p) => !p.hidden)
    .sort((a, b) => (a.postedAt !== b.postedAt ? (a.postedAt < b.postedAt ? -1 : 1) : a._id < b._id ? -1 : 1));
}

/** Every user id the page shows (posters, editors and the closer), without repeats. */
export function questionPageAuthorIds(q: QuestionDoc | null, posts: Iterable<PostDoc>): string[] {
  if (!q || q.hidden) return [];
  const ids = [q.author.id, q.edited?.by.id, q.closed?.by];
  for (const p of posts) if (!p.hidden) ids.push(p.author.id, p.edited?.by.id);
  return [...new Set(ids.filter((id): id is string => !!id))];
}

/**
 * The page, or null when the question does not exist or is hidden. `posts` are the
 * question's posts (answers and comments, hidden ones included) in any order.
 */
export function renderQuestionPage(q: QuestionDoc | null, posts: Iterable<PostDoc>, users: UserPoints) {
  if (!q || q.hidden) return null;
  const visible = visiblePagePosts(posts);
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
          by: authorView({ id: q.closed.by, username: users.get(q.closed.by)?.username ?? '' }, users),
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
