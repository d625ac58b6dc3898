/**
 * What a command handler found in another aggregate's stream before calling a decider
 * (deciders never read streams themselves). `exists: false` means that stream had no events;
 * each aggregate exports a `...Lookup(state)` helper that builds these from its folded state.
 */
import { Id } from './events';

export interface CategoryLookup {
  id: Id;
  exists: boolean;
  /** Ancestor ids root first, ending with `id`. */
  path: Id[];
}

export interface QuestionLookup {
  id: Id;
  exists: boolean;
  authorId: Id | null;
  closed: boolean;
  hidden: boolean;
}

export interface AnswerLookup {
  id: Id;
  exists: boolean;
  questionId: Id;
  authorId: Id | null;
  hidden: boolean;
}

/** A question or an answer as a vote or a comment sees it. */
export interface PostLookup {
  type: 'question' | 'answer';
  id: Id;
  exists: boolean;
  questionId: Id;
  authorId: Id | null;
  /** The post itself is hidden. */
  hidden: boolean;
  /** The question is hidden (for a question, the same as `hidden`). */
  questionHidden: boolean;
  questionClosed: boolean;
}
