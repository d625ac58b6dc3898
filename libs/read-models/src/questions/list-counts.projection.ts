/**
 * The totals of the question lists, kept per filter (see ListCountDoc). A question counts in
 * `all`, in every category of its path and under each of its tags while visible, and in the
 * `:u` variants while it has no visible answer. Every change of those inputs moves it from
 * the keys it had to the keys it has; the keys it had come from the question (and, for a
 * hidden answer, the answer) before the event, so these are written before both.
 */
import type { Id } from '@qa/domain';
import type { ProjectionContext } from '../engine/projection.context';

export interface Listed {
  hidden: boolean;
  answerCount: number;
  categoryPath: Id[];
  tags: string[];
}

export function listCountKeys(q: Listed | null): string[] {
  if (!q || q.hidden) return [];
  const keys = ['all', ...q.categoryPath.map((c) => `c:${c}`), ...[...new Set(q.tags)].map((t) => `t:${t}`)];
  return q.answerCount === 0 ? [...keys, ...keys.map((k) => `${k}:u`)] : keys;
}

/** The question as the lists see it after this event, or undefined when the event changes nothing for them. */
function after(ctx: ProjectionContext, q: Listed | null): Listed | null | undefined {
  const e = ctx.event;
  switch (e.type) {
    case 'QuestionAsked':
      return { hidden: false, answerCount: 0, categoryPath: e.data.category?.path ?? [], tags: e.data.tags };
    case 'QuestionEdited': {
      const c = e.data.changes;
      if (!q || (c.tags === undefined && !('category' in c))) return undefined;
      return { ...q, tags: c.tags ?? q.tags, categoryPath: 'category' in c ? (c.category?.path ?? []) : q.categoryPath };
    }
    case 'AnswerPosted':
      return q ? { ...q, answerCount: q.answerCount + 1 } : undefined;
    case 'PostHidden':
    case 'PostShown': {
      const hide = e.type === 'PostHidden';
      if (!q) return undefined;
      if (e.data.postType === 'question') return { ...q, hidden: hide };
      if (e.data.postType !== 'answer') return undefined;
      const answer = ctx.get('posts', e.data.postId);
      if (!answer || answer.hidden === hide || !ctx.pending('posts', e.data.postId)) return undefined;
      return { ...q, answerCount: q.answerCount + (hide ? -1 : 1) };
    }
    default:
      return undefined;
  }
}

export function questionIdOf(ctx: ProjectionContext): Id | null {
  const e = ctx.event;
  switch (e.type) {
    case 'QuestionAsked':
    case 'QuestionEdited':
    case 'AnswerPosted':
      return e.data.questionId;
    case 'PostHidden':
    case 'PostShown':
      return e.data.questionId;
    default:
      return null;
  }
}

export function projectListCounts(ctx: ProjectionContext): void {
  const questionId = questionIdOf(ctx);
  if (!questionId || !ctx.pending('questions', questionId)) return;
  const before = ctx.get('questions', questionId);
  if (ctx.event.type === 'QuestionAsked' && before) return;
  const next = after(ctx, before);
  if (next === undefined) return;
  const was = new Set(listCountKeys(before));
  const is = new Set(listCountKeys(next));
  for (const key of was) {
    if (!is.has(key)) ctx.update('listCounts', key, (d) => ({ _id: key, count: (d?.count ?? 0) - 1 }));
  }
  for (const key of is) {
    if (!was.has(key)) ctx.update('listCounts', key, (d) => ({ _id: key, count: (d?.count ?? 0) + 1 }));
  }
}
