/**
 * Answers and comments, one document each, found by their question id: a question page is
 * the question document plus one indexed query on `posts`.
 */
import { renderMarkdown } from '@qa/common';
import type { ProjectionContext } from '../engine/projection.context';
import { authorRef } from '../engine/author';
import { retally } from '../users/users.projection';

export function projectPosts(ctx: ProjectionContext): void {
  const e = ctx.event;
  switch (e.type) {
    case 'AnswerPosted':
    case 'CommentPosted': {
      const d = e.data;
      const id = e.type === 'AnswerPosted' ? e.data.answerId : e.data.commentId;
      ctx.update('posts', id, () => ({
        _id: id,
        kind: e.type === 'AnswerPosted' ? ('answer' as const) : ('comment' as const),
        questionId: d.questionId,
        parent: e.type === 'CommentPosted' ? { type: e.data.parent.type, id: e.data.parent.id } : null,
        body: d.body,
        bodyHtml: renderMarkdown(d.body),
        author: authorRef(d.author),
        postedAt: d.at,
        edited: null,
        selected: false,
        hidden: false,
        votes: { up: 0, down: 0, net: 0 },
        revisions: 1,
      }));
      return;
    }
    case 'AnswerEdited':
    case 'CommentEdited': {
      const d = e.data;
      const id = e.type === 'AnswerEdited' ? e.data.answerId : e.data.commentId;
      ctx.patch('posts', id, (p) => ({
        ...p,
        body: d.body,
        bodyHtml: renderMarkdown(d.body),
        edited: { by: authorRef(d.editedBy), at: d.at, reason: d.reason },
        revisions: p.revisions + 1,
      }));
      return;
    }
    case 'AnswerSelected': {
      const d = e.data;
      if (d.previous && d.previous.answerId !== d.answerId) {
        ctx.patch('posts', d.previous.answerId, (p) => ({ ...p, selected: false }));
      }
      ctx.patch('posts', d.answerId, (p) => ({ ...p, selected: true }));
      return;
    }
    case 'AnswerSelectionCleared':
      ctx.patch('posts', e.data.answerId, (p) => ({ ...p, selected: false }));
      return;
    case 'PostHidden':
    case 'PostShown':
      if (e.data.postType === 'question') return;
      ctx.patch('posts', e.data.postId, (p) => ({ ...p, hidden: e.type === 'PostHidden' }));
      return;
    case 'VoteCast': {
      const d = e.data;
      if (d.postType !== 'answer') return;
      ctx.patch('posts', d.postId, (p) => ({ ...p, votes: retally(p.votes, d.previousValue, d.value) }));
      return;
    }
    default:
      return;
  }
}
