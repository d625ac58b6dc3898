/**
 * One document per question: everything its page shows of the question itself, and the
 * fields every list sorts or filters on (askedAt, hotScore, netVotes, answerCount,
 * categoryPath, tags). Answers and comments live in `posts`; hiding an answer changes the
 * answer count, which needs the answer's state before the event, so posts are written last.
 */
import { renderMarkdown } from '@qa/common';
import type { ProjectionContext } from '../engine/projection.context';
import type { QuestionDoc } from '../engine/read-model.documents';
import { authorRef } from '../engine/author';
import { retally } from '../users/users.projection';
import { hotScore } from './hot-score';

type Body = Omit<QuestionDoc, 'pos'>;

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * Recomputes the fields derived from others, so they never drift. Every caller hands it a
 * document it has just built, so it sets them in place (both fields exist already: the key
 * order, and with it the stored bytes, is what copying would give).
 */
function derive(q: Body): Body {
  q.netVotes = q.votes.net;
  q.hotScore = hotScore(q);
  return q;
}

export function projectQuestions(ctx: ProjectionContext): void {
  const e = ctx.event;
  switch (e.type) {
    case 'QuestionAsked': {
      const d = e.data;
      const category = d.category ? ctx.get('categories', d.category.categoryId) : null;
      ctx.update('questions', d.questionId, () =>
        derive({
          _id: d.questionId,
          title: d.title,
          body: d.body,
          bodyHtml: renderMarkdown(d.body),
          category: d.category
            ? { id: d.category.categoryId, slug: category?.slug ?? '', name: category?.name ?? '' }
            : null,
          categoryPath: d.category?.path ?? [],
          tags: d.tags,
          author: authorRef(d.author),
          askedAt: d.at,
          edited: null,
          closed: null,
          selectedAnswerId: null,
          hidden: false,
          votes: { up: 0, down: 0, net: 0 },
          netVotes: 0,
          answerCount: 0,
          lastAnswerAt: null,
          lastActivityAt: d.at,
          hotScore: 0,
          revisions: 1,
        }),
      );
      return;
    }
    case 'QuestionEdited': {
      const d = e.data;
      const c = d.changes;
      const category = c.category ? ctx.get('categories', c.category.categoryId) : null;
      ctx.patch('questions', d.questionId, (q) => ({
        ...q,
        ...(c.title !== undefined ? { title: c.title } : {}),
        ...(c.body !== undefined ? { body: c.body, bodyHtml: renderMarkdown(c.body) } : {}),
        ...(c.tags !== undefined ? { tags: c.tags } : {}),
        ...('category' in c
          ? {
              category: c.category
                ? { id: c.category.categoryId, slug: category?.slug ?? '', name: category?.name ?? '' }
                : null,
              categoryPath: c.category?.path ?? [],
            }
          : {}),
        edited: { by: authorRef(d.editedBy), at: d.at, reason: d.reason },
        lastActivityAt: later(q.lastActivityAt, d.at),
        revisions: q.revisions + 1,
      }));
      return;
    }
    case 'QuestionClosed':
      ctx.patch('questions', e.data.questionId, (q) => ({
        ...q,
        closed: { by: e.data.by, at: e.data.at, reason: e.data.reason },
      }));
      return;
    case 'QuestionReopened':
      ctx.patch('questions', e.data.questionId, (q) => ({ ...q, closed: null }));
      return;
    case 'AnswerSelected':
      ctx.patch('questions', e.data.questionId, (q) => ({ ...q, selectedAnswerId: e.data.answerId }));
      return;
    case 'AnswerSelectionCleared':
      ctx.patch('questions', e.data.questionId, (q) => ({ ...q, selectedAnswerId: null }));
      return;
    case 'AnswerPosted': {
      const d = e.data;
      ctx.patch('questions', d.questionId, (q) =>
        derive({
          ...q,
          answerCount: q.answerCount + 1,
          lastAnswerAt: q.lastAnswerAt ? later(q.lastAnswerAt, d.at) : d.at,
          lastActivityAt: later(q.lastActivityAt, d.at),
        }),
      );
      return;
    }
    case 'AnswerEdited':
    case 'CommentPosted':
    case 'CommentEdited': {
      const d = e.data;
      ctx.patch('questions', d.questionId, (q) => ({ ...q, lastActivityAt: later(q.lastActivityAt, d.at) }));
      return;
    }
    case 'PostHidden':
    case 'PostShown': {
      const d = e.data;
      const hide = e.type === 'PostHidden';
      if (d.postType === 'question') {
        ctx.patch('questions', d.postId, (q) => ({ ...q, hidden: hide }));
      } else if (d.postType === 'answer') {
        const answer = ctx.get('posts', d.postId);
        if (!answer || answer.hidden === hide || !ctx.pending('posts', d.postId)) return;
        ctx.patch('questions', d.questionId, (q) => derive({ ...q, answerCount: q.answerCount + (hide ? -1 : 1) }));
      }
      return;
    }
    case 'VoteCast': {
      const d = e.data;
      if (d.postType !== 'question') return;
      ctx.patch('questions', d.postId, (q) => derive({ ...q, votes: retally(q.votes, d.previousValue, d.value) }));
      return;
    }
    default:
      return;
  }
}
