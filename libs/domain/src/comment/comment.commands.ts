/** Commands on one comment (`comment-<id>`). */
import { Actor } from '../shared/actor';
import { Command } from '../shared/decider';
import { Id, Timestamp } from '../shared/events';
import { PostLookup } from '../shared/lookups';
import { EditInput } from '../shared/post-editing';
import { PosterInput } from '../shared/posting';

export type PostComment = Command<
  'PostComment',
  {
    commentId: Id;
    /** The question or answer commented on, as the handler found it. */
    parent: PostLookup;
    body: string;
    at: Timestamp;
  } & PosterInput
>;

export type EditComment = Command<'EditComment', { commentId: Id; body: string } & EditInput>;

export type HideComment = Command<'HideComment', { commentId: Id; actor: Actor; at: Timestamp }>;
export type ShowComment = Command<'ShowComment', { commentId: Id; actor: Actor; at: Timestamp }>;

export type CommentCommand = PostComment | EditComment | HideComment | ShowComment;
