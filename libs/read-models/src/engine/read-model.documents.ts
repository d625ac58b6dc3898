/**
 * The documents every read model keeps in MongoDB. Each mutable document remembers the `$all`
 * commit position of the last event applied to it (`pos`): an event at or below it has
 * already been applied, so a re-delivered or replayed event changes nothing.
 * Documents written once per event (ledger entries, revisions) are keyed by the event instead.
 */
import type { Id, PointsCounts, Timestamp, UserLevel } from '@qa/domain';

export interface Guarded {
  _id: string;
  /** `$all` commit position of the last event applied to this document. */
  pos: number;
}

/** An author as stored; pages add the user's current points at read time. */
export type AuthorRef = { id: Id; username: string } | { id: null; name: string | null };

export interface UserCounts extends PointsCounts {
  comments: number;
  upvotesReceived: number;
  downvotesReceived: number;
}

export interface UserDoc extends Guarded {
  username: string;
  usernameLower: string;
  level: UserLevel;
  createdAt: Timestamp;
  erased: boolean;
  counts: UserCounts;
  /** Always `pointsFor(counts)`: recomputed on every change, never accumulated. */
  points: number;
}

export interface CategoryDoc extends Guarded {
  name: string;
  slug: string;
  description: string;
  parentId: Id | null;
  path: Id[];
  createdAt: Timestamp;
  /**
   * Visible questions in this category and its sub-categories, as Q2A's `qcount` counts them
   * (a question is counted on every category of its path).
   */
  questionCount: number;
}

export interface VotesDoc {
  up: number;
  down: number;
  net: number;
}

export interface EditedDoc {
  by: AuthorRef;
  at: Timestamp;
  reason: string | null;
}

export interface CategoryRefDoc {
  id: Id;
  slug: string;
  name: string;
}

export interface QuestionDoc extends Guarded {
  title: string;
  body: string;
  bodyHtml: string;
  category: CategoryRefDoc | null;
  /** Ancestor ids root first, ending with the category: a list filters a subtree by one id. */
  categoryPath: Id[];
  tags: string[];
  author: AuthorRef;
  askedAt: Timestamp;
  edited: EditedDoc | null;
  closed: { by: Id; at: Timestamp; reason: string } | null;
  selectedAnswerId: Id | null;
  hidden: boolean;
  votes: VotesDoc;
  /** Net votes, top level so the `votes` sort has a plain index. */
  netVotes: number;
  /** Visible answers. */
  answerCount: number;
  lastAnswerAt: Timestamp | null;
  lastActivityAt: Timestamp;
  /** Q2A's hotness (DOMAIN.md), recomputed whenever one of its inputs changes. */
  hotScore: number;
  /** How many revisions the post has (1 = never edited). */
  revisions: number;
}

export interface PostDoc extends Guarded {
  kind: 'answer' | 'comment';
  questionId: Id;
  /** Comments only: what they comment on. */
  parent: { type: 'question' | 'answer'; id: Id } | null;
  body: string;
  bodyHtml: string;
  author: AuthorRef;
  postedAt: Timestamp;
  edited: EditedDoc | null;
  selected: boolean;
  hidden: boolean;
  votes: VotesDoc;
  revisions: number;
}

export interface RevisionDoc extends Guarded {
  postId: Id;
  postType: 'question' | 'answer' | 'comment';
  revision: number;
  at: Timestamp;
  by: AuthorRef;
  reason: string | null;
  title?: string;
  body: string;
  tags?: string[];
  eventId: string;
}

export interface LedgerDoc extends Guarded {
  userId: Id;
  at: Timestamp;
  delta: number;
  reason: LedgerReason;
  postId?: Id;
  eventId: string;
}

export type LedgerReason =
  | 'registered'
  | 'question_posted'
  | 'answer_posted'
  | 'comment_posted'
  | 'answer_selected'
  | 'answer_unselected'
  | 'selected_answer'
  | 'unselected_answer'
  | 'question_upvoted'
  | 'question_downvoted'
  | 'question_vote_removed'
  | 'answer_upvoted'
  | 'answer_downvoted'
  | 'answer_vote_removed'
  | 'vote_cast'
  | 'vote_removed';

/**
 * How many visible questions one list filter holds (`all`, `c:<category>`, `t:<tag>`, each
 * also with `:u` for the unanswered ones), so a list's total is one read by id instead of a
 * count that grows with the site.
 */
export interface ListCountDoc extends Guarded {
  count: number;
}

export interface DocTypes {
  users: UserDoc;
  categories: CategoryDoc;
  listCounts: ListCountDoc;
  questions: QuestionDoc;
  posts: PostDoc;
  revisions: RevisionDoc;
  ledger: LedgerDoc;
}

export type CollectionName = keyof DocTypes;

/**
 * The order in which one event is applied and a batch is written. A collection's projection
 * may read the state of the collections after it (a vote's points need the post's tally
 * before the vote), so those are written later: if a crash interrupts a batch, a document that
 * already holds an event implies that everything reading its earlier state holds it too.
 */
export const WRITE_ORDER: readonly CollectionName[] = [
  'revisions',
  'ledger',
  'users',
  'categories',
  'listCounts',
  'questions',
  'posts',
];

/**
 * WRITE_ORDER grouped into steps whose collections do not read each other, so the writes of
 * one step go out together and only the steps are sequential.
 */
export const WRITE_STEPS: readonly (readonly CollectionName[])[] = [
  ['revisions', 'ledger'],
  ['users'],
  ['categories', 'listCounts'],
  ['questions'],
  ['posts'],
];

/** Written once per event and never changed: keyed by the event, so a redo is a no-op. */
export const INSERT_ONCE: ReadonlySet<CollectionName> = new Set(['revisions', 'ledger']);
