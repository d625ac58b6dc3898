/** Commands on one question (`question-<id>`). Handlers resolve lookups before deciding. */
import { Actor } from '../shared/actor';
import { Command } from '../shared/decider';
import { Id, Timestamp } from '../shared/events';
import { AnswerLookup, CategoryLookup } from '../shared/lookups';
import { EditInput } from '../shared/post-editing';
import { PosterInput } from '../shared/posting';

export type AskQuestion = Command<
  'AskQuestion',
  {
    questionId: Id;
    title: string;
    body: string;
    tags?: string[];
    /** The category the client named, as the handler found it; null for none. */
    category: CategoryLookup | null;
    at: Timestamp;
  } & PosterInput
>;

export interface QuestionChanges {
  title?: string;
  body?: string;
  tags?: string[];
  /** null removes the category; absent leaves it alone. */
  category?: CategoryLookup | null;
}

export type EditQuestion = Command<
  'EditQuestion',
  { questionId: Id; changes: QuestionChanges } & EditInput
>;

export type CloseQuestion = Command<
  'CloseQuestion',
  { questionId: Id; reason: string; actor: Actor; at: Timestamp }
>;

export type ReopenQuestion = Command<
  'ReopenQuestion',
  { questionId: Id; actor: Actor; at: Timestamp }
>;

export type SelectAnswer = Command<
  'SelectAnswer',
  {
    questionId: Id;
    /** null clears the selection. */
    answerId: Id | null;
    /** The answer's stream as the handler found it; required unless answerId is null. */
    answer: AnswerLookup | null;
    actor: Actor;
    at: Timestamp;
  }
>;

export type HideQuestion = Command<'HideQuestion', { questionId: Id; actor: Actor; at: Timestamp }>;
export type ShowQuestion = Command<'ShowQuestion', { questionId: Id; actor: Actor; at: Timestamp }>;

export type QuestionCommand =
  | AskQuestion
  | EditQuestion
  | CloseQuestion
  | ReopenQuestion
  | SelectAnswer
  | HideQuestion
  | ShowQuestion;
