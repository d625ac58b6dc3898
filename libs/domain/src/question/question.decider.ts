/**
 * The question aggregate: asking, editing (every revision kept with its previous values),
 * closing and reopening, selecting the best answer, hiding and showing.
 * Q2A rules kept: a closed or hidden question takes no edits (reopen or show it first).
 */
import { authorIdOf, requireUser } from '../shared/actor';
import { Decider, fold } from '../shared/decider';
import { domainError, ErrorCodes } from '../shared/error-codes';
import {
  AnswerSelected,
  AnswerSelectionCleared,
  Author,
  Id,
  NotifyPreference,
  PostHidden,
  PostShown,
  QuestionAsked,
  QuestionCategoryRef,
  QuestionClosed,
  QuestionContent,
  QuestionEdited,
  QuestionReopened,
  Timestamp,
} from '../shared/events';
import { CategoryLookup, PostLookup, QuestionLookup } from '../shared/lookups';
import { canCloseQuestion, canSelectAnswer } from '../shared/permissions';
import { editChecks, editRecord, LastEdit, requireEditor, revisedBy } from '../shared/post-editing';
import { decideVisibility, VisiblePost } from '../shared/post-visibility';
import { posterChecks, posterOf } from '../shared/posting';
import {
  Check,
  checkBody,
  checkRequiredReason,
  checkTags,
  checkTitle,
  validateFields,
} from '../shared/validation';
import {
  AskQuestion,
  CloseQuestion,
  EditQuestion,
  QuestionCommand,
  ReopenQuestion,
  SelectAnswer,
} from './question.commands';

export type QuestionEvent =
  | QuestionAsked
  | QuestionEdited
  | QuestionClosed
  | QuestionReopened
  | AnswerSelected
  | AnswerSelectionCleared
  | PostHidden
  | PostShown;

export interface QuestionState {
  exists: boolean;
  questionId: Id | null;
  author: Author | null;
  /** The registered author's id; null for anonymous questions. */
  authorId: Id | null;
  content: QuestionContent;
  notify: NotifyPreference | null;
  askedAt: Timestamp | null;
  closed: { by: Id; at: Timestamp; reason: string } | null;
  hidden: boolean;
  selected: { answerId: Id; answerAuthorId: Id | null } | null;
  /** Content revisions: asking is revision 1, each edit adds one. */
  revision: number;
  lastEdit: LastEdit | null;
}

export const initialQuestionState = (): QuestionState => ({
  exists: false,
  questionId: null,
  author: null,
  authorId: null,
  content: { title: '', body: '', tags: [], category: null },
  notify: null,
  askedAt: null,
  closed: null,
  hidden: false,
  selected: null,
  revision: 0,
  lastEdit: null,
});

export function evolveQuestion(state: QuestionState, event: QuestionEvent): QuestionState {
  switch (event.type) {
    case 'QuestionAsked': {
      const d = event.data;
      return {
        ...state,
        exists: true,
        questionId: d.questionId,
        author: d.author,
        authorId: authorIdOf(d.author),
        content: { title: d.title, body: d.body, tags: d.tags, category: d.category },
        notify: d.notify,
        askedAt: d.at,
        revision: 1,
      };
    }
    case 'QuestionEdited':
      return {
        ...state,
        content: { ...state.content, ...event.data.changes },
        ...revisedBy(state.revision, event.data),
      };
    case 'QuestionClosed':
      return {
        ...state,
        closed: { by: event.data.by, at: event.data.at, reason: event.data.reason },
      };
    case 'QuestionReopened':
      return { ...state, closed: null };
    case 'AnswerSelected':
      return {
        ...state,
        selected: { answerId: event.data.answerId, answerAuthorId: event.data.answerAuthorId },
      };
    case 'AnswerSelectionCleared':
      return { ...state, selected: null };
    case 'PostHidden':
      return { ...state, hidden: true };
    case 'PostShown':
      return { ...state, hidden: false };
    default:
      return state;
  }
}

type ExistingQuestion = QuestionState & { questionId: Id };

function existing(state: QuestionState): ExistingQuestion {
  if (!state.exists || state.questionId === null) throw domainError(ErrorCodes.QUESTION_NOT_FOUND);
  return state as ExistingQuestion;
}

/** A category named on a command must exist; null stays null. */
function categoryRef(lookup: CategoryLookup | null | undefined): QuestionCategoryRef | null {
  if (lookup === null || lookup === undefined) return null;
  if (!lookup.exists) throw domainError(ErrorCodes.CATEGORY_NOT_FOUND);
  return { categoryId: lookup.id, path: lookup.path };
}

function ask({ data }: AskQuestion, state: QuestionState): QuestionEvent[] {
  if (state.exists) throw domainError(ErrorCodes.ALREADY_EXISTS);
  const v = validateFields({
    title: checkTitle(data.title),
    body: checkBody(data.body),
    tags: checkTags(data.tags),
    ...posterChecks(data),
  });
  const category = categoryRef(data.category);
  const { author, notify } = posterOf(data, v.name, v.email);
  return [
    {
      type: 'QuestionAsked',
      data: {
        questionId: data.questionId,
        title: v.title,
        body: v.body,
        category,
        tags: v.tags,
        author,
        notify,
        at: data.at,
      },
    },
  ];
}

const sameTags = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().every((tag, i) => tag === [...b].sort()[i]);

function edit({ data }: EditQuestion, state: QuestionState): QuestionEvent[] {
  const question = existing(state);
  const actor = requireEditor(data.actor, question, ErrorCodes.QUESTION_HIDDEN);
  if (question.closed) throw domainError(ErrorCodes.QUESTION_CLOSED);

  const { changes } = data;
  const checks: Record<string, Check<unknown>> = { ...editChecks(data, question) };
  if (changes.title !== undefined) checks.title = checkTitle(changes.title);
  if (changes.body !== undefined) checks.body = checkBody(changes.body);
  if (changes.tags !== undefined) checks.tags = checkTags(changes.tags);
  const v = validateFields(checks) as {
    reason: string | null;
    restoredRevision: number | undefined;
    title?: string;
    body?: string;
    tags?: string[];
  };

  const current = question.content;
  const next: Partial<QuestionContent> = {};
  const previous: Partial<QuestionContent> = {};
  if (v.title !== undefined && v.title !== current.title) {
    next.title = v.title;
    previous.title = current.title;
  }
  if (v.body !== undefined && v.body !== current.body) {
    next.body = v.body;
    previous.body = current.body;
  }
  if (v.tags !== undefined && !sameTags(v.tags, current.tags)) {
    next.tags = v.tags;
    previous.tags = current.tags;
  }
  if (changes.category !== undefined) {
    const category = categoryRef(changes.category);
    if ((category?.categoryId ?? null) !== (current.category?.categoryId ?? null)) {
      next.category = category;
      previous.category = current.category;
    }
  }
  if (Object.keys(next).length === 0) return [];

  return [
    {
      type: 'QuestionEdited',
      data: {
        questionId: question.questionId,
        changes: next,
        previous,
        ...editRecord(actor, v, data.at),
      },
    },
  ];
}

function close({ data }: CloseQuestion, state: QuestionState): QuestionEvent[] {
  const question = existing(state);
  const actor = requireUser(data.actor);
  if (!canCloseQuestion(actor, question.authorId)) throw domainError(ErrorCodes.FORBIDDEN);
  if (question.closed) throw domainError(ErrorCodes.ALREADY_CLOSED);
  const { reason } = validateFields({ reason: checkRequiredReason(data.reason) });
  return [
    {
      type: 'QuestionClosed',
      data: { questionId: question.questionId, reason, by: actor.userId, at: data.at },
    },
  ];
}

function reopen({ data }: ReopenQuestion, state: QuestionState): QuestionEvent[] {
  const question = existing(state);
  const actor = requireUser(data.actor);
  if (!canCloseQuestion(actor, question.authorId)) throw domainError(ErrorCodes.FORBIDDEN);
  if (!question.closed) throw domainError(ErrorCodes.NOT_CLOSED);
  return [
    {
      type: 'QuestionReopened',
      data: { questionId: question.questionId, by: actor.userId, at: data.at },
    },
  ];
}

function select({ data }: SelectAnswer, state: QuestionState): QuestionEvent[] {
  const question = existing(state);
  const actor = requireUser(data.actor);
  if (!canSelectAnswer(actor, question.authorId)) throw domainError(ErrorCodes.FORBIDDEN);
  if (question.hidden) throw domainError(ErrorCodes.QUESTION_HIDDEN);

  if (data.answerId === null) {
    if (!question.selected) return [];
    return [
      {
        type: 'AnswerSelectionCleared',
        data: {
          questionId: question.questionId,
          questionAuthorId: question.authorId,
          answerId: question.selected.answerId,
          answerAuthorId: question.selected.answerAuthorId,
          by: actor.userId,
          at: data.at,
        },
      },
    ];
  }

  const answer = data.answer;
  if (!answer || !answer.exists || answer.id !== data.answerId)
    throw domainError(ErrorCodes.ANSWER_NOT_FOUND);
  if (answer.questionId !== question.questionId)
    throw domainError(ErrorCodes.ANSWER_NOT_ON_QUESTION);
  if (answer.hidden) throw domainError(ErrorCodes.ANSWER_HIDDEN);
  if (question.selected?.answerId === answer.id) return [];
  return [
    {
      type: 'AnswerSelected',
      data: {
        questionId: question.questionId,
        questionAuthorId: question.authorId,
        answerId: answer.id,
        answerAuthorId: answer.authorId,
        previous: question.selected
          ? {
              answerId: question.selected.answerId,
              answerAuthorId: question.selected.answerAuthorId,
            }
          : null,
        by: actor.userId,
        at: data.at,
      },
    },
  ];
}

/** This question as hiding and showing see it. */
const visibleQuestion = (question: ExistingQuestion): VisiblePost => ({
  postId: question.questionId,
  postType: 'question',
  questionId: question.questionId,
  hidden: question.hidden,
});

export function decideQuestion(command: QuestionCommand, state: QuestionState): QuestionEvent[] {
  switch (command.type) {
    case 'AskQuestion':
      return ask(command, state);
    case 'EditQuestion':
      return edit(command, state);
    case 'CloseQuestion':
      return close(command, state);
    case 'ReopenQuestion':
      return reopen(command, state);
    case 'SelectAnswer':
      return select(command, state);
    case 'HideQuestion':
      return decideVisibility(visibleQuestion(existing(state)), command.data, true);
    case 'ShowQuestion':
      return decideVisibility(visibleQuestion(existing(state)), command.data, false);
  }
}

export const questionDecider: Decider<QuestionCommand, QuestionEvent, QuestionState> = {
  decide: decideQuestion,
  evolve: evolveQuestion,
  initialState: initialQuestionState,
};

export const foldQuestion = (events: readonly QuestionEvent[]) => fold(questionDecider, events);

/** What answers, comments and votes need to know about this question. */
export const questionLookup = (id: Id, state: QuestionState): QuestionLookup => ({
  id,
  exists: state.exists,
  authorId: state.authorId,
  closed: state.closed !== null,
  hidden: state.hidden,
});

/** This question as a vote or a comment sees it. */
export const questionPostLookup = (id: Id, state: QuestionState): PostLookup => ({
  type: 'question',
  id,
  exists: state.exists,
  questionId: id,
  authorId: state.authorId,
  hidden: state.hidden,
  questionHidden: state.hidden,
  questionClosed: state.closed !== null,
});
