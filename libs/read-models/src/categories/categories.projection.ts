/**
 * The category tree with question counts. Like Q2A's `qcount`, a category counts the visible
 * questions in it and in all its sub-categories: a question counts once on every category of
 * its path. Hiding, showing and re-categorising need the question's state before the event,
 * so categories are written before questions (WRITE_ORDER).
 */
import type { Id } from '@qa/domain';
import type { ProjectionContext } from '../engine/projection.context';

function count(ctx: ProjectionContext, path: readonly Id[] | undefined, by: number): void {
  for (const id of path ?? []) {
    ctx.patch('categories', id, (c) => ({ ...c, questionCount: c.questionCount + by }));
  }
}

export function projectCategories(ctx: ProjectionContext): void {
  const e = ctx.event;
  switch (e.type) {
    case 'CategoryCreated': {
      const d = e.data;
      ctx.update('categories', d.categoryId, (existing) => ({
        _id: d.categoryId,
        name: d.name,
        slug: d.slug,
        description: d.description,
        parentId: d.parentId,
        path: d.path,
        createdAt: d.at,
        questionCount: existing?.questionCount ?? 0,
      }));
      return;
    }
    case 'QuestionAsked':
      if (ctx.pending('questions', e.data.questionId)) count(ctx, e.data.category?.path, 1);
      return;
    case 'QuestionEdited': {
      const d = e.data;
      const question = ctx.get('questions', d.questionId);
      if (!('category' in d.changes) || !question || question.hidden || !ctx.pending('questions', d.questionId)) return;
      count(ctx, question.categoryPath, -1);
      count(ctx, d.changes.category?.path, 1);
      return;
    }
    case 'PostHidden':
    case 'PostShown': {
      const d = e.data;
      if (d.postType !== 'question') return;
      const question = ctx.get('questions', d.postId);
      const hide = e.type === 'PostHidden';
      if (!question || question.hidden === hide || !ctx.pending('questions', d.postId)) return;
      count(ctx, question.categoryPath, hide ? -1 : 1);
      return;
    }
    default:
      return;
  }
}
