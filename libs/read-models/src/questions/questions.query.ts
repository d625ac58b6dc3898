/**
 * The question page and the question lists, read from `questions` and `posts`.
 * Pages asked for together are one read by ids plus one indexed query for their answers
 * and comments (in parallel) and one for the authors' points; a list is one indexed sorted
 * page plus its total, kept by the projection per filter (listCounts), so neither grows
 * with the site. Lookups by id (totals, authors' points) asked for together share a find.
 */
import { Coalescer } from '@qa/common';
import type { Document, Filter } from 'mongodb';
import type { PostDoc, QuestionDoc } from '../engine/read-model.documents';
import type { ReadModelStore } from '../engine/read-model.store';
import {
  questionPageAuthorIds,
  renderQuestionPage,
  type QuestionPage,
} from './question-page.render';
import { authorView, findAll, findByIds, findFirst, loadAuthors, oneOrIn } from './question.view';

export const QUESTION_SORTS = ['recent', 'hot', 'votes', 'answers', 'unanswered'] as const;
export type QuestionSort = (typeof QUESTION_SORTS)[number];

const SORTS: Record<QuestionSort, Document> = {
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
    const category = await findFirst(store, 'categories', { slug: q.category }, { _id: 1 });
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
      : findByIds(store, 'listCounts', [countKey]).then((found) => found.get(countKey)?.count ?? 0);
  const [docs, total] = await Promise.all([
    findAll(store, 'questions', {
      filter,
      projection: LIST_FIELDS,
      sort: SORTS[q.sort],
      skip: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    }),
    counted,
  ]);
  const users = await loadAuthors(
    store,
    docs.map((d) => d.author.id),
  );
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

/** What `renderQuestionPage` reads of the documents: the list's sort keys stay on the server. */
const PAGE_QUESTION_FIELDS = {
  title: 1,
  body: 1,
  bodyHtml: 1,
  category: 1,
  tags: 1,
  votes: 1,
  author: 1,
  askedAt: 1,
  edited: 1,
  closed: 1,
  selectedAnswerId: 1,
  hidden: 1,
} as const;
const PAGE_POST_FIELDS = {
  kind: 1,
  parent: 1,
  body: 1,
  bodyHtml: 1,
  votes: 1,
  author: 1,
  postedAt: 1,
  edited: 1,
  selected: 1,
  hidden: 1,
  // whose page each post is on, to share them out in a batch
  questionId: 1,
} as const;
/** Enough for a batch's posts in one reply as a rule; more come with `getMore`. */
const POSTS_FIRST_BATCH = 1000;

/**
 * The most page reads one batch answers: it bounds the `$in` lists of the batch's finds
 * (and so the size of their replies).
 */
const PAGE_BATCH_MAX = 64;

/** Per store, the page reads of this turn of the event loop, answered together. */
const pageReads = new WeakMap<ReadModelStore, Coalescer<string, QuestionPage | null>>();

/**
 * The question page, or null when there is no such visible question.
 *
 * Page reads asked for in the same turn of the event loop are answered together by
 * `questionPages` (three finds for the whole batch instead of three per page). A batch
 * leaves at the end of the turn it was opened in, so every page is still read from MongoDB
 * after it was asked for (and after its `X-Wait-For-Position` wait), never from an earlier read.
 */
export function questionPage(store: ReadModelStore, id: string): Promise<QuestionPage | null> {
  let reads = pageReads.get(store);
  if (!reads) {
    reads = new Coalescer(
      async (ids) => {
        const pages = await questionPages(store, ids);
        return ids.map((id) => pages.get(id) ?? null);
      },
      // the same page asked for twice in one turn is read once
      { maxBatch: PAGE_BATCH_MAX, linger: 'turn', maxInFlight: Infinity, keyOf: (id) => id },
    );
    pageReads.set(store, reads);
  }
  return reads.submit(id);
}

/**
 * The visible question pages among `ids`, by id: one find for the questions and one for
 * their posts (in parallel), then one for the authors' points of every page.
 */
export async function questionPages(
  store: ReadModelStore,
  ids: string[],
): Promise<Map<string, QuestionPage>> {
  const pages = new Map<string, QuestionPage>();
  if (ids.length === 0) return pages;
  const [questions, posts] = await Promise.all([
    findAll(store, 'questions', {
      filter: { _id: oneOrIn(ids) },
      projection: PAGE_QUESTION_FIELDS,
      limit: ids.length,
    }),
    // sorted by the renderer: a page's few posts, and the server then only walks the index
    findAll(store, 'posts', {
      filter: { questionId: oneOrIn(ids) },
      projection: PAGE_POST_FIELDS,
      batchSize: POSTS_FIRST_BATCH,
    }),
  ]);
  const visible = questions.filter((q) => !q.hidden);
  if (visible.length === 0) return pages;
  const postsOf = new Map<string, PostDoc[]>();
  for (const p of posts) {
    const list = postsOf.get(p.questionId);
    if (list) list.push(p);
    else postsOf.set(p.questionId, [p]);
  }
  const authorIds: string[] = [];
  for (const q of visible) authorIds.push(...questionPageAuthorIds(q, postsOf.get(q._id) ?? []));
  const users = await loadAuthors(store, authorIds);
  for (const q of visible)
    pages.set(q._id, renderQuestionPage(q, postsOf.get(q._id) ?? [], users)!);
  return pages;
}
