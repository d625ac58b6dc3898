/**
 * Editing a post, the same for questions, answers and comments (DOMAIN.md "Posts"): the
 * author or an editor edits, a hidden post takes no edits, every edit carries an optional
 * reason and may restore an earlier revision, and each edit counts as one more revision.
 * The deciders keep what differs: what may change and the event that records it.
 */
import { Actor, requireUser, userAuthor, UserActor } from './actor';
import { domainError, ErrorCode, ErrorCodes } from './error-codes';
import { Author, Id, Timestamp } from './events';
import { canEditPost } from './permissions';
import { checkBody, checkReason, checkRevisionNumber, validateFields } from './validation';

/** The last edit, for "edited by <who> <when>". */
export interface LastEdit {
  by: Author;
  at: Timestamp;
  reason: string | null;
}

/** What every edit command carries besides the post's id and the new content. */
export interface EditInput {
  reason?: string | null;
  /** Set when the edit restores an earlier revision's content. */
  restoredRevision?: number;
  actor: Actor;
  at: Timestamp;
}

/** What an edit needs to know about the post's current state. */
export interface EditablePost {
  authorId: Id | null;
  hidden: boolean;
  revision: number;
}

/**
 * The registered user allowed to edit this post now. `hiddenCode` names the post's kind
 * (QUESTION_HIDDEN, ANSWER_HIDDEN, ...) so the client can say which post is hidden.
 */
export function requireEditor(actor: Actor, post: EditablePost, hiddenCode: ErrorCode): UserActor {
  const editor = requireUser(actor);
  if (!canEditPost(editor, post.authorId)) throw domainError(ErrorCodes.FORBIDDEN);
  if (post.hidden) throw domainError(hiddenCode);
  return editor;
}

/** The checks every edit runs, to merge into the decider's `validateFields` call. */
export const editChecks = (input: EditInput, post: EditablePost) => ({
  reason: checkReason(input.reason),
  restoredRevision: checkRevisionNumber(input.restoredRevision, post.revision),
});

/** Who edited, why and when: the tail of every `...Edited` event. */
export const editRecord = (
  editor: UserActor,
  checked: { reason: string | null; restoredRevision: number | undefined },
  at: Timestamp,
) => ({
  reason: checked.reason,
  editedBy: userAuthor(editor),
  ...(checked.restoredRevision !== undefined ? { restoredRevision: checked.restoredRevision } : {}),
  at,
});

/**
 * An edit of a post that is only a body (answers, comments): the new and previous body and
 * the edit record, or null when the body does not change (an edit that changes nothing is
 * no revision).
 */
export function decideBodyEdit(
  post: EditablePost & { body: string },
  input: EditInput & { body: string },
  hiddenCode: ErrorCode,
) {
  const editor = requireEditor(input.actor, post, hiddenCode);
  const v = validateFields({ body: checkBody(input.body), ...editChecks(input, post) });
  if (v.body === post.body) return null;
  return { body: v.body, previousBody: post.body, ...editRecord(editor, v, input.at) };
}

/** Folds an edit event: one more revision, and it is now the last edit. */
export const revisedBy = (
  revision: number,
  edit: { editedBy: Author; at: Timestamp; reason: string | null },
): { revision: number; lastEdit: LastEdit } => ({
  revision: revision + 1,
  lastEdit: { by: edit.editedBy, at: edit.at, reason: edit.reason },
});
