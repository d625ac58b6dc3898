/**
 * Builders shared by the specs of posts (questions, answers, comments) and of what refers to
 * them (votes); specs only, not exported from the package.
 */
import { Actor } from './actor';
import { alice, editor, T1, T2 } from './domain.fixtures';
import { Id, PostHidden, PostShown, PostType } from './events';
import { PostLookup } from './lookups';

/** A post as votes and comments see it: by default question q1 by alice, shown and open. */
export const postLookup = (over: Partial<PostLookup> = {}): PostLookup => ({
  type: 'question',
  id: 'q1',
  exists: true,
  questionId: 'q1',
  authorId: alice.userId,
  hidden: false,
  questionHidden: false,
  questionClosed: false,
  ...over,
});

/**
 * One post's hide and show commands (an editor by default; hiding at T1, showing at T2) and
 * the events the editor's commands record.
 */
export function visibilityFixtures<Hide extends string, Show extends string, Ids extends object>(
  post: { postId: Id; postType: PostType; questionId: Id },
  commands: { hide: Hide; show: Show; ids: Ids },
) {
  const hidden: PostHidden = { type: 'PostHidden', data: { ...post, by: editor.userId, at: T1 } };
  const shown: PostShown = { type: 'PostShown', data: { ...post, by: editor.userId, at: T2 } };
  return {
    hide: (actor: Actor = editor) => ({
      type: commands.hide,
      data: { ...commands.ids, actor, at: T1 },
    }),
    show: (actor: Actor = editor) => ({
      type: commands.show,
      data: { ...commands.ids, actor, at: T2 },
    }),
    hidden,
    shown,
  };
}
