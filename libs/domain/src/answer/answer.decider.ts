/**
 * The answer aggregate. Q2A rules kept: no answers to a closed or hidden question; a hidden
 * answer takes no edits until an editor shows it again.
 */
import { authorIdOf } from '../shared/actor';
import { Decider, fold } from '../shared/decider';
import { domainError, ErrorCodes } from '../shared/error-codes';
import {
  AnswerEdited,
  AnswerPosted,
  Author,
  Id,
  NotifyPreference,
  PostHidden,
  PostShown,
  Timestamp,
} from '../shared/events';
import { AnswerLookup, PostLookup, QuestionLookup } from '../shared/lookups';
import { decideBodyEdit, LastEdit, revisedBy } from '../shared/post-editing';
import { decideVisibility, VisiblePost } from '../shared/post-visibility';
import { posterChecks, posterOf } from '../shared/posting';
import { checkBody, validateFields } from '../shared/validation';
import { AnswerCommand, EditAnswer, PostAnswer } from './answer.commands';

export type AnswerEvent = AnswerPosted | AnswerEdited | PostHidden | PostShown;

export interface AnswerState {
  exists: boolean;
  answerId: Id | null;
  questionId: Id | null;
  questionAuthorId: Id | null;
  author: Author | null;
  authorId: Id | null;
  body: string;
  notify: NotifyPreference | null;
  postedAt: Timestamp | null;
  hidden: boolean;
  /** Posting is revision 1, each edit adds one. */
  revision: number;
  lastEdit: LastEdit | null;
}

export const initialAnswerState = (): AnswerState => ({
  exists: false,
  answerId: null,
  questionId: null,
  questionAuthorId: null,
  author: null,
  authorId: null,
  body: '',
  notify: null,
  postedAt: null,
  hidden: false,
  revision: 0,
  lastEdit: null,
});

export function evolveAnswer(state: AnswerState, event: AnswerEvent): AnswerState {
  switch (event.type) {
    case 'AnswerPosted': {
      const d = event.data;
      return {
        ...state,
        exists: true,
        answerId: d.answerId,
        questionId: d.questionId,
        questionAuthorId: d.questionAuthorId,
        author: d.author,
        authorId: authorIdOf(d.author),
        body: d.body,
        notify: d.notify,
        postedAt: d.at,
        revision: 1,
      };
    }
    case 'AnswerEdited':
      return { ...state, body: event.data.body, ...revisedBy(state.revision, event.data) };
    case 'PostHidden':
      return { ...state, hidden: true };
    case 'PostShown':
      return { ...state, hidden: false };
    default:
      return state;
  }
}

type ExistingAnswer = AnswerState & { answerId: Id; questionId: Id };

function existing(state: AnswerState): ExistingAnswer {
  if (!state.exists || state.answerId === null || state.questionId === null)
    throw domainError(ErrorCodes.ANSWER_NOT_FOUND);
  return state as ExistingAnswer;
}

function post({ data }: PostAnswer, state: AnswerState): AnswerEvent[] {
  if (state.exists) throw domainError(ErrorCodes.ALREADY_EXISTS);
  const question = data.question;
  if (!question.exists) throw domainError(ErrorCodes.QUESTION_NOT_FOUND);
  if (question.hidden) throw domainError(ErrorCodes.QUESTION_HIDDEN);
  if (question.closed) throw domainError(ErrorCodes.QUESTION_CLOSED);
  const v = validateFields({ body: checkBody(data.body), ...posterChecks(data) });
  const { author, notify } = posterOf(data, v.name, v.email);
  return [
    {
      type: 'AnswerPosted',
      data: {
        answerId: data.answerId,
        questionId: question.id,
        questionAuthorId: question.authorId,
        body: v.body,
        author,
        notify,
        at: data.at,
      },
    },
  ];
}

function edit({ data }: EditAnswer, state: AnswerState): AnswerEvent[] {
  const answer = existing(state);
  const edited = decideBodyEdit(answer, data, ErrorCodes.ANSWER_HIDDEN);
  if (!edited) return [];
  return [
    {
      type: 'AnswerEdited',
      data: { answerId: answer.answerId, questionId: answer.questionId, ...edited },
    },
  ];
}

/** This answer as hiding and showing see it. */
const visibleAnswer = (answer: ExistingAnswer): VisiblePost => ({
  postId: answer.answerId,
  postType: 'answer',
  questionId: answer.questionId,
  hidden: answer.hidden,
});

export function decideAnswer(command: AnswerCommand, state: AnswerState): AnswerEvent[] {
  switch (command.type) {
    case 'PostAnswer':
      return post(command, state);
    case 'EditAnswer':
      return edit(command, state);
    case 'HideAnswer':
      return decideVisibility(visibleAnswer(existing(state)), command.data, true);
    case 'ShowAnswer':
      return decideVisibility(visibleAnswer(existing(state)), command.data, false);
  }
}

export const answerDecider: Decider<AnswerCommand, AnswerEvent, AnswerState> = {
  decide: decideAnswer,
  evolve: evolveAnswer,
  initialState: initialAnswerState,
};

export const foldAnswer = (events: readonly AnswerEvent[]) => fold(answerDecider, events);

/** What selecting, commenting and voting need to know about this answer. */
export const answerLookup = (id: Id, state: AnswerState): AnswerLookup => ({
  id,
  exists: state.exists,
  questionId: state.questionId ?? '',
  authorId: state.authorId,
  hidden: state.hidden,
});

/** This answer as a vote or a comment sees it; its question's lookup says if that is hidden or closed. */
export const answerPostLookup = (
  id: Id,
  state: AnswerState,
  question: QuestionLookup,
): PostLookup => ({
  type: 'answer',
  id,
  exists: state.exists,
  questionId: state.questionId ?? question.id,
  authorId: state.authorId,
  hidden: state.hidden,
  questionHidden: question.hidden,
  questionClosed: question.closed,
});
