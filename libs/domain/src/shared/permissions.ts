/**
 * What each level may do (DOMAIN.md "People" and "Posts", Q2A defaults). Pure predicates so
 * the API can also use them to show or hide buttons.
 */
import { UserActor } from './actor';
import { Id, LEVELS, UserLevel } from './events';

const atLeast = (actor: UserActor, level: UserLevel) => actor.level >= level;
const isAuthor = (actor: UserActor, authorId: Id | null) =>
  authorId !== null && actor.userId === authorId;

/** The author edits their own post; editors and above edit any post. */
export const canEditPost = (actor: UserActor, authorId: Id | null) =>
  isAuthor(actor, authorId) || atLeast(actor, LEVELS.editor);

/** The question's author selects its best answer; experts and above may do it for anyone. */
export const canSelectAnswer = (actor: UserActor, questionAuthorId: Id | null) =>
  isAuthor(actor, questionAuthorId) || atLeast(actor, LEVELS.expert);

/** The question's author or an editor (and above) closes and reopens it. */
export const canCloseQuestion = (actor: UserActor, questionAuthorId: Id | null) =>
  isAuthor(actor, questionAuthorId) || atLeast(actor, LEVELS.editor);

export const canHidePosts = (actor: UserActor) => atLeast(actor, LEVELS.editor);

export const canCreateCategories = (actor: UserActor) => atLeast(actor, LEVELS.admin);

/**
 * Admins change levels, but never raise anyone above their own level nor touch someone at or
 * above it; a super may do anything. Nobody changes their own level: a lone super demoting
 * themself would leave the site without anyone able to undo it.
 */
export function canChangeLevel(
  actor: UserActor,
  target: { userId: Id; level: UserLevel },
  newLevel: UserLevel,
): boolean {
  if (actor.userId === target.userId) return false;
  if (!atLeast(actor, LEVELS.admin)) return false;
  if (actor.level === LEVELS.super) return true;
  return newLevel <= actor.level && target.level < actor.level;
}

/** The person themself or an admin erases a person's personal data. */
export const canErasePersonalData = (actor: UserActor, userId: Id) =>
  actor.userId === userId || atLeast(actor, LEVELS.admin);
