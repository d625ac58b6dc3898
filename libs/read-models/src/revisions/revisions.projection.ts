/**
 * Every revision of every post, oldest first: the original from the Asked/Posted event and
 * one more per edit, holding the content as it stood after that edit. The revision number
 * comes from the post's count before the event, so revisions are written first (WRITE_ORDER)
 * and only while the post itself still has the event to apply.
 */
import type { ProjectionContext } from '../engine/projection.context';
import { authorRef } from '../engine/author';

export function projectRevisions(ctx: ProjectionContext): void {
  const e = ctx.event;
  const add = (
    postId: string,
    postType: 'question' | 'answer' | 'comment',
    revision: number,
    content: { title?: string; body: string; tags?: string[] },
    by: Parameters<typeof authorRef>[0],
    at: string,
    reason: string | null,
  ) =>
    ctx.insertOnce('revisions', {
      _id: `${postId}:${revision}`,
      postId,
      postType,
      revision,
      at,
      by: authorRef(by),
      reason,
      ...content,
      eventId: e.id,
    });

  switch (e.type) {
    case 'QuestionAsked': {
      const d = e.data;
      if (!ctx.pending('questions', d.questionId) || ctx.get('questions', d.questionId)) return;
      add(d.questionId, 'question', 1, { title: d.title, body: d.body, tags: d.tags }, d.author, d.at, null);
      return;
    }
    case 'AnswerPosted':
    case 'CommentPosted': {
      const d = e.data;
      const id = e.type === 'AnswerPosted' ? e.data.answerId : e.data.commentId;
      if (!ctx.pending('posts', id) || ctx.get('posts', id)) return;
      add(id, e.type === 'AnswerPosted' ? 'answer' : 'comment', 1, { body: d.body }, d.author, d.at, null);
      return;
    }
    case 'QuestionEdited': {
      const d = e.data;
      const q = ctx.get('questions', d.questionId);
      if (!q || !ctx.pending('questions', d.questionId)) return;
      const content = {
        title: d.changes.title ?? q.title,
        body: d.changes.body ?? q.body,
        tags: d.changes.tags ?? q.tags,
      };
      add(d.questionId, 'question', q.revisions + 1, content, d.editedBy, d.at, d.reason);
      return;
    }
    case 'AnswerEdited':
    case 'CommentEdited': {
      const d = e.data;
      const id = e.type === 'AnswerEdited' ? e.data.answerId : e.data.commentId;
      const p = ctx.get('posts', id);
      if (!p || !ctx.pending('posts', id)) return;
      add(id, p.kind, p.revisions + 1, { body: d.body }, d.editedBy, d.at, d.reason);
      return;
    }
    default:
      return;
  }
}
