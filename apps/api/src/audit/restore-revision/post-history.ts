/**
 * The revisions of one post read from its own stream (not from the read models, which may
 * lag a just-made edit): revision 1 is what was posted, each edit event makes the next.
 * The same numbering as the revisions read model.
 */
import type {
  AnswerEdited,
  AnswerPosted,
  CommentEdited,
  CommentPosted,
  QuestionAsked,
  QuestionEdited,
} from '@qa/domain';
import type { StoredEvent } from '@qa/event-store';

export interface PostRevision {
  revision: number;
  title?: string;
  body: string;
  tags?: string[];
}

export type PostKind = 'question' | 'answer' | 'comment';

export function postRevisionsFromStream(kind: PostKind, events: StoredEvent[]): PostRevision[] {
  const out: PostRevision[] = [];
  for (const e of events) {
    if (kind === 'question' && e.type === 'QuestionAsked') {
      const d = e.data as QuestionAsked['data'];
      out.push({ revision: 1, title: d.title, body: d.body, tags: d.tags });
    } else if (kind === 'question' && e.type === 'QuestionEdited' && out.length > 0) {
      const d = e.data as QuestionEdited['data'];
      const last = out[out.length - 1];
      out.push({
        revision: last.revision + 1,
        title: d.changes.title ?? last.title,
        body: d.changes.body ?? last.body,
        tags: d.changes.tags ?? last.tags,
      });
    } else if (
      (kind === 'answer' && e.type === 'AnswerPosted') ||
      (kind === 'comment' && e.type === 'CommentPosted')
    ) {
      out.push({
        revision: 1,
        body: (e.data as AnswerPosted['data'] | CommentPosted['data']).body,
      });
    } else if (
      ((kind === 'answer' && e.type === 'AnswerEdited') ||
        (kind === 'comment' && e.type === 'CommentEdited')) &&
      out.length > 0
    ) {
      out.push({
        revision: out[out.length - 1].revision + 1,
        body: (e.data as AnswerEdited['data'] | CommentEdited['data']).body,
      });
    }
  }
  return out;
}
