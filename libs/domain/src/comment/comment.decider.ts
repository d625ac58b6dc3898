/**
 * The comment aggregate. As in Q2A, comments are allowed on a closed question and its
 * answers (closing stops new answers, not discussion), but not on a hidden post nor on
 * anything under a hidden question. A hidden comment takes no edits until shown again.
 */
import { authorIdOf } from '../shared/actor';
import { Decider, fold } from '../shared/decider';
import { domainError, ErrorCodes } from '../shared/error-codes';
import {
  Author,
  CommentEdited,
  CommentPosted,
  Id,
  NotifyPreference,
  PostHidden,
  PostShown,
  Timestamp,
} from '../shared/events';
import { decideBodyEdit, LastEdit, revisedBy } from '../shared/post-editing';
import { decideVisibility, VisiblePost } from '../shared/post-visibility';
import { posterChecks, posterOf } from '../shared/posting';
import { checkBody, validateFields } from '../shared/validation';
import { CommentCommand, EditComment, PostComment } from './comment.commands';

export type CommentEvent = CommentPosted | CommentEdited | PostHidden | PostShown;

export interface CommentState {
  exists: boolean;
  commentId: Id | null;
  questionId: Id | null;
  parent: { type: 'question' | 'answer'; id: Id; authorId: Id | null } | null;
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

export const initialCommentState = (): CommentState => ({
  exists: false,
  commentId: null,
  questionId: null,
  parent: null,
  author: null,
  authorId: null,
  body: '',
  notify: null,
  postedAt: null,
  hidden: false,
  revision: 0,
  lastEdit: null,
});

export function evolveComment(state: CommentState, event: CommentEvent): CommentState {
  switch (event.type) {
    case 'CommentPosted': {
      const d = event.data;
      return {
        ...state,
        exists: true,
        commentId: d.commentId,
        questionId: d.questionId,
        parent: d.parent,
        author: d.author,
        authorId: authorIdOf(d.author),
        body: d.body,
        notify: d.notify,
        postedAt: d.at,
        revision: 1,
      };
    }
    case 'CommentEdited':
      return { ...state, body: event.data.body, ...revisedBy(state.revision, event.data) };
    case 'PostHidden':
      return { ...state, hidden: true };
    case 'PostShown':
      return { ...state, hidden: false };
    default:
      return state;
  }
}

type ExistingComment = CommentState & {
  commentId: Id;
  questionId: Id;
  parent: NonNullable<CommentState['parent']>;
};

function existing(state: CommentState): ExistingComment {
  if (!state.exists || !state.commentId || !state.questionId || !state.parent)
    throw domainError(ErrorCodes.COMMENT_NOT_FOUND);
  return state as ExistingComment;
}

function post({ data }: PostComment, state: CommentState): CommentEvent[] {
  if (state.exists) throw domainError(ErrorCodes.ALREADY_EXISTS);
  const parent = data.parent;
  if (!parent.exists)
    throw domainError(
      parent.type === 'question' ? ErrorCodes.QUESTION_NOT_FOUND : ErrorCodes.ANSWER_NOT_FOUND,
    );
  if (parent.questionHidden) throw domainError(ErrorCodes.QUESTION_HIDDEN);
  if (parent.hidden)
    throw domainError(
      parent.type === 'question' ? ErrorCodes.QUESTION_HIDDEN : ErrorCodes.ANSWER_HIDDEN,
    );
  const v = validateFields({ body: checkBody(data.body), ...posterChecks(data) });
  const { author, notify } = posterOf(data, v.name, v.email);
  return [
    {
      type: 'CommentPosted',
      data: {
        commentId: data.commentId,
        questionId: parent.questionId,
        parent: { type: parent.type, id: parent.id, authorId: parent.authorId },
        body: v.body,
        author,
        notify,
        at: data.at,
      },
    },
  ];
}

function edit({ data }: EditComment, state: CommentState): CommentEvent[] {
  const comment = existing(state);
  const edited = decideBodyEdit(comment, data, ErrorCodes.COMMENT_HIDDEN);
  if (!edited) return [];
  return [
    {
      type: 'CommentEdited',
      data: {
        commentId: comment.commentId,
        questionId: comment.questionId,
        parent: { type: comment.parent.type, id: comment.parent.id },
        ...edited,
      },
    },
  ];
}

/** This comment as hiding and showing see it. */
const visibleComment = (comment: ExistingComment): VisiblePost => ({
  postId: comment.commentId,
  postType: 'comment',
  questionId: comment.questionId,
  hidden: comment.hidden,
});

export function decideComment(command: CommentCommand, state: CommentState): CommentEvent[] {
  switch (command.type) {
    case 'PostComment':
      return post(command, state);
    case 'EditComment':
      return edit(command, state);
    case 'HideComment':
      return decideVisibility(visibleComment(existing(state)), command.data, true);
    case 'ShowComment':
      return decideVisibility(visibleComment(existing(state)), command.data, false);
  }
}

export const commentDecider: Decider<CommentCommand, CommentEvent, CommentState> = {
  decide: decideComment,
  evolve: evolveComment,
  initialState: initialCommentState,
};

export const foldComment = (events: readonly CommentEvent[]) => fold(commentDecider, events);
