/**
 * The question page and the question lists, read from `questions` and `posts`.
 * A page is one read by id plus one indexed query for its answers and comments (in
 * parallel) and one for the authors' points; a list is one indexed sorted page plus its
 * total, kept by the projection per filter (listCounts), so neither grows with the site.
 */
import type { Document, Filter, Sort } from 'mongodb';
import type { PostDoc, QuestionDoc } from '../engine/read-model.documents';
import type { ReadModelStore } from '../engine/read-model.store';
import { authorView, editedView, loadAuthors } from './question.view';

export const QUESTION_SORTS = ['recent', 'hot', 'votes', 'answers', 'unanswered'] as const;
export type QuestionSort = (typeof QUESTION_SORTS)[number];

const SORTS: Record<QuestionSort, Sort> = {
  recent: { askedAt: -1, _id: -1 },
  hot: { hotScore: -1, _id: -1 },
  votes: { netVotes: -1, askedAt: -1, _id: -1 },
  answers: { answerCount: -1, askedAt: -1, _id: -1 },
  unanswered: { answerCount: -1, askedAt: -1, _id: -1 },
};

export interface QuestionListQuery {
  sort: QuestionSort;
  /** A category slug: the category and its sub-categories. */
  category?: string;
  tag?: string;
  page: number;
  pageSize: number;
}

const LIST_FIELDS = {
  title: 1,
  category: 1,
  tags: 1,
  votes: 1,
  answerCount: 1,
  selectedAnswerId: 1,
  author: 1,
  askedAt: 1,
  lastActivityAt: 1,
} as const;

export async function listQuestions(store: ReadModelStore, q: QuestionListQuery) {
  const empty = { items: [], page: q.page, pageSize: q.pageSize, total: 0 };
  const filter: Filter<Document> = {};
  let countKey = 'all';
  if (q.category !== undefined) {
    const category = await store.collection('categories').findOne({ slug: q.category }, { projection: { _id: 1 } });
    if (!category) return empty;
    filter.categoryPath = category._id;
    countKey = `c:${category._id}`;
  }
  if (q.tag !== undefined) {
    filter.tags = q.tag;
    countKey = `t:${q.tag}`;
  }
  filter.hidden = false;
  if (q.sort === 'unanswered') {
    filter.answerCount = 0;
    countKey += ':u';
  }

  const questions = store.collection('questions');
  // One kept total per single filter; a category and a tag together are counted.
  const counted =
    q.category !== undefined && q.tag !== undefined
      ? questions.countDocuments(filter as Filter<QuestionDoc>)
      : store
          .collection('listCounts')
          .findOne({ _id: countKey })
          .then((d) => d?.count ?? 0);
  const [docs, total] = await Promise.all([
    questions
      .find(filter as Filter<QuestionDoc>, { projection: LIST_FIELDS })
      .sort(SORTS[q.sort])
      .skip((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .toArray(),
    counted,
  ]);
  const users = await loadAuthors(store, docs.map((d) => d.author.id));
  return {
    items: docs.map((d) => ({
      id: d._id,
      title: d.title,
      category: d.category,
      tags: d.tags,
      votes: d.votes,
      answerCount: d.answerCount,
      selectedAnswerId: d.selectedAnswerId,
      author: authorView(d.author, users),
      askedAt: d.askedAt,
      lastActivityAt: d.lastActivityAt,
    })),
    page: q.page,
    pageSize: q.pageSize,
    total,
  };
}

/** Selected first, then net votes, then oldest (DOMAIN.md). */
export function compareAnswers(a: PostDoc, b: PostDoc): number {
  if (a.selected !== b.selected) return a.selected ? -1 : 1;
  if (a.votes.net !== b.votes.net) return b.votes.net - a.votes.net;
  if (a.postedAt !== b.postedAt) return a.postedAt < b.postedAt ? -1 : 1;
  return a._id < b._id ? -1 : 1;
}

/** The question page, or null when there is no such visible question. */
export async function questionPage(store: ReadModelStore, id: string) {
  const [q, posts] = await Promise.all([
    store.collection('questions').findOne({ _id: id }),
    // sorted here: a page's few posts, and the server then only walks the index
    store.collection('posts').find({ questionId: id }).toArray(),
  ]);
  posts.sort((a, b) => (a.postedAt < b.postedAt ? -1 : a.postedAt > b.postedAt ? 1 : a._id < b._id ? -1 : 1));
  if (!q || q.hidden) return null;
  const visible = posts.filter((p) => !p.hidden);
  const users = await loadAuthors(store, [
    q.author.id,
    q.edited?.by.id,
    q.closed?.by,
    ...visible.flatMap((p) => [p.author.id, p.edited?.by.id]),
  ]);
  const commentsOn = new Map<string, ReturnType<typeof commentView>[]>();
  for (const c of visible) {
    if (c.kind !== 'comment' || !c.parent) continue;
    const list = commentsOn.get(c.parent.id) ?? [];
    list.push(commentView(c));
    commentsOn.set(c.parent.id, list);
  }
  function commentView(c: PostDoc) {
    return {
      id: c._id,
      body: c.body,
      bodyHtml: c.bodyHtml,
      author: authorView(c.author, users),
      postedAt: c.postedAt,
      edited: editedView(c.edited, users),
    };
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
      ? { by: authorView({ id: q.closed.by, username: users.get(q.closed.by)?.username ?? '' }, users), at: q.closed.at, reason: q.closed.reason }
      : null,
    selectedAnswerId: q.selectedAnswerId,
    comments: commentsOn.get(q._id) ?? [],
    answers,
    answerCount: answers.length,
  };
}
