/** Every revision of one post, oldest first, or null when no post has that id. */
import type { ReadModelStore } from '../engine/read-model.store';
import { authorView, loadAuthors } from '../questions/question.view';

export async function postRevisions(store: ReadModelStore, postId: string) {
  const revisions = await store.collection('revisions').find({ postId }).sort({ revision: 1 }).toArray();
  if (revisions.length === 0) return null;
  const users = await loadAuthors(store, revisions.map((r) => r.by.id));
  return revisions.map((r) => ({
    revision: r.revision,
    at: r.at,
    by: authorView(r.by, users),
    reason: r.reason,
    ...(r.title !== undefined ? { title: r.title } : {}),
    body: r.body,
    ...(r.tags !== undefined ? { tags: r.tags } : {}),
  }));
}
