/** Commands on one answer (`answer-<id>`). */
import { Actor } from '../shared/actor';
import { Command } from '../shared/decider';
import { Id, Timestamp } from '../shared/events';
import { QuestionLookup } from '../shared/lookups';
import { EditInput } from '../shared/post-editing';
import { PosterInput } from '../shared/posting';

export type PostAnswer = Command<
  'PostAnswer',
  {
    answerId: Id;
    /** The question's stream as the handler found it. */
    question: QuestionLookup;
    body: string;
    at: Timestamp;
  } & PosterInput
>;

export type EditAnswer = Command<'EditAnswer', { answerId: Id; body: string } & EditInput>;

export type HideAnswer = Command<'HideAnswer', { answerId: Id; actor: Actor; at: Timestamp }>;
export type ShowAnswer = Command<'ShowAnswer', { answerId: Id; actor: Actor; at: Timestamp }>;

export type AnswerCommand = PostAnswer | EditAnswer | HideAnswer | ShowAnswer;
