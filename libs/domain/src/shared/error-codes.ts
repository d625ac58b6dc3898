/**
 * Every stable error code the domain (and the API around it) can answer with. Clients branch
 * on these strings (API.md), so a code is never renamed or reused for another meaning.
 * Each code has one kind, which the HTTP layer maps to a status in one place.
 */
import { DomainError, DomainErrorKind, FieldError } from './errors';

export const ErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The action needs a registered user (voting, editing, closing...). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The actor's level or relation to the post does not allow the action. */
  FORBIDDEN: 'FORBIDDEN',
  CANNOT_VOTE_OWN_POST: 'CANNOT_VOTE_OWN_POST',
  CANNOT_VOTE_HIDDEN_POST: 'CANNOT_VOTE_HIDDEN_POST',
  QUESTION_NOT_FOUND: 'QUESTION_NOT_FOUND',
  ANSWER_NOT_FOUND: 'ANSWER_NOT_FOUND',
  COMMENT_NOT_FOUND: 'COMMENT_NOT_FOUND',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  CATEGORY_NOT_FOUND: 'CATEGORY_NOT_FOUND',
  /** A new category would sit deeper than the tree allows (4 levels). */
  CATEGORY_TOO_DEEP: 'CATEGORY_TOO_DEEP',
  USERNAME_TAKEN: 'USERNAME_TAKEN',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  /** Another category already uses that slug (lists filter by slug). */
  SLUG_TAKEN: 'SLUG_TAKEN',
  /** A creating command named an id whose stream already exists. */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** The question is closed: no new answers, no edits until reopened. */
  QUESTION_CLOSED: 'QUESTION_CLOSED',
  QUESTION_HIDDEN: 'QUESTION_HIDDEN',
  ANSWER_HIDDEN: 'ANSWER_HIDDEN',
  COMMENT_HIDDEN: 'COMMENT_HIDDEN',
  /** The answer to select belongs to another question. */
  ANSWER_NOT_ON_QUESTION: 'ANSWER_NOT_ON_QUESTION',
  ALREADY_CLOSED: 'ALREADY_CLOSED',
  NOT_CLOSED: 'NOT_CLOSED',
  /** Raised by the event store port, listed here so every public code lives in one place. */
  CONCURRENT_MODIFICATION: 'CONCURRENT_MODIFICATION',
  RATE_LIMITED: 'RATE_LIMITED',
  PROJECTION_BEHIND: 'PROJECTION_BEHIND',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export const errorKinds: Record<ErrorCode, DomainErrorKind> = {
  VALIDATION_FAILED: 'validation',
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  CANNOT_VOTE_OWN_POST: 'forbidden',
  CANNOT_VOTE_HIDDEN_POST: 'forbidden',
  QUESTION_NOT_FOUND: 'not_found',
  ANSWER_NOT_FOUND: 'not_found',
  COMMENT_NOT_FOUND: 'not_found',
  USER_NOT_FOUND: 'not_found',
  CATEGORY_NOT_FOUND: 'not_found',
  CATEGORY_TOO_DEEP: 'validation',
  USERNAME_TAKEN: 'conflict',
  EMAIL_TAKEN: 'conflict',
  SLUG_TAKEN: 'conflict',
  ALREADY_EXISTS: 'conflict',
  QUESTION_CLOSED: 'forbidden',
  QUESTION_HIDDEN: 'forbidden',
  ANSWER_HIDDEN: 'forbidden',
  COMMENT_HIDDEN: 'forbidden',
  ANSWER_NOT_ON_QUESTION: 'validation',
  ALREADY_CLOSED: 'conflict',
  NOT_CLOSED: 'conflict',
  CONCURRENT_MODIFICATION: 'conflict',
  RATE_LIMITED: 'rate_limited',
  PROJECTION_BEHIND: 'unavailable',
};

const defaultMessages: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request has invalid fields.',
  UNAUTHENTICATED: 'This needs a registered user; sign in first.',
  FORBIDDEN: 'You are not allowed to do this.',
  CANNOT_VOTE_OWN_POST: 'You cannot vote on your own post.',
  CANNOT_VOTE_HIDDEN_POST: 'You cannot vote on a hidden post.',
  QUESTION_NOT_FOUND: 'No such question.',
  ANSWER_NOT_FOUND: 'No such answer.',
  COMMENT_NOT_FOUND: 'No such comment.',
  USER_NOT_FOUND: 'No such user.',
  CATEGORY_NOT_FOUND: 'No such category.',
  CATEGORY_TOO_DEEP: 'Categories nest at most 4 levels deep.',
  USERNAME_TAKEN: 'That username is taken.',
  EMAIL_TAKEN: 'That email address is already registered.',
  SLUG_TAKEN: 'Another category already uses that slug.',
  ALREADY_EXISTS: 'Something with that id already exists.',
  QUESTION_CLOSED: 'The question is closed.',
  QUESTION_HIDDEN: 'The question is hidden.',
  ANSWER_HIDDEN: 'The answer is hidden.',
  COMMENT_HIDDEN: 'The comment is hidden.',
  ANSWER_NOT_ON_QUESTION: 'That answer belongs to another question.',
  ALREADY_CLOSED: 'The question is already closed.',
  NOT_CLOSED: 'The question is not closed.',
  CONCURRENT_MODIFICATION: 'The data changed concurrently; try again.',
  RATE_LIMITED: 'Too many requests; try again later.',
  PROJECTION_BEHIND: 'The read models have not caught up yet.',
};

/** The one way domain code raises an error: the code decides the kind. */
export const domainError = (code: ErrorCode, message?: string, errors?: FieldError[]) =>
  new DomainError(errorKinds[code], code, message ?? defaultMessages[code], errors);
