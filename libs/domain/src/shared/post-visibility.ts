/**
 * Hiding and showing a post, the same for questions, answers and comments (DOMAIN.md
 * "Posts"): editors and above do it, and asking for the state a post is already in records
 * nothing.
 */
import { Actor, requireUser } from './actor';
import { domainError, ErrorCodes } from './error-codes';
import { Id, PostHidden, PostShown, PostType, Timestamp } from './events';
import { canHidePosts } from './permissions';

/** The post as the hide/show events name it, with whether it is hidden now. */
export interface VisiblePost {
  postId: Id;
  postType: PostType;
  questionId: Id;
  hidden: boolean;
}

export function decideVisibility(
  post: VisiblePost,
  input: { actor: Actor; at: Timestamp },
  hidden: boolean,
): Array<PostHidden | PostShown> {
  const actor = requireUser(input.actor);
  if (!canHidePosts(actor)) throw domainError(ErrorCodes.FORBIDDEN);
  if (post.hidden === hidden) return [];
  const data = {
    postId: post.postId,
    postType: post.postType,
    questionId: post.questionId,
    by: actor.userId,
    at: input.at,
  };
  return [hidden ? { type: 'PostHidden', data } : { type: 'PostShown', data }];
}
