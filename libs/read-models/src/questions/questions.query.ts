/**
 * The question page and the question lists, read from `questions` and `posts`.
 * A page is one read by id plus one indexed query for its answers and comments (in
 * parallel) and one for the authors' points; a list is one indexed sorted page plus its
 * total, kept by the projection per filter (listCounts), so neither grows with the site.
 */
import type { Document, Filter } from 'mongodb';
import type { QuestionDoc } from '../engine/read-model.documents';
import type { ReadModelStore } from '../engine/read-model.store';
import { questionPageAuthorIds, renderQuestionPage } from './question-page.render';
import { authorView, findAll, findFirst, loadAuthors } from './question.view';

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
      : findFirst(store, 'listCounts', { _id: countKey }).then((d) => d?.count ?? 0);
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
} as const;

/** The question page, or null when there is no such visible question. */
export async function questionPage(store: ReadModelStore, id: string) {
  const [q, posts] = await Promise.all([
    findFirst(store, 'questions', { _id: id }, PAGE_QUESTION_FIELDS),
    // sorted by the renderer: a page's few posts, and the server then only walks the index
    findAll(store, 'posts', { filter: { questionId: id }, projection: PAGE_POST_FIELDS }),
  ]);
  if (!q || q.hidden) return null;
  const users = await loadAuthors(store, questionPageAuthorIds(q, posts));
  return renderQuestionPage(q, posts, users);
}
