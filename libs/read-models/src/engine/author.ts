import type { Author } from '@qa/domain';
import type { AuthorRef } from './read-model.documents';

/** The stored form of an author: no IP hash, nothing personal. */
export const authorRef = (author: Author): AuthorRef =>
  author.kind === 'user'
    ? { id: author.userId, username: author.username }
    : { id: null, name: author.name };

export const authorId = (author: Author): string | null =>
  author.kind === 'user' ? author.userId : null;
