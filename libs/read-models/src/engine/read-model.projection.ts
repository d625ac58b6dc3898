/**
 * All read models as one projection: which documents an event touches (so a batch can load
 * them in a few queries) and how it changes them, collection by collection in WRITE_ORDER.
 */
import { DEFAULT_POINTS_RULES, type DomainEvent, type DomainEventType, type PointsRules } from '@qa/domain';
import type { StoredEvent } from '@qa/event-store';
import { projectCategories } from '../categories/categories.projection';
import { projectPosts } from '../questions/posts.projection';
import { listCountKeys, projectListCounts } from '../questions/list-counts.projection';
import { projectQuestions } from '../questions/questions.projection';
import { projectRevisions } from '../revisions/revisions.projection';
import { projectUsers } from '../users/users.projection';
import { authorId } from './author';
import { ProjectionContext, type DocSet, type ProjectedEvent } from './projection.context';
import type { CollectionName, DocTypes } from './read-model.documents';

/** Applied in this order: each may read the state of those after it (see WRITE_ORDER). */
const PROJECTIONS = [projectRevisions, projectUsers, projectCategories, projectListCounts, projectQuestions, projectPosts];

const PROJECTED_TYPES: ReadonlySet<DomainEventType> = new Set<DomainEventType>([
  'UserRegistered',
  'UserLevelChanged',
  'UserPersonalDataErased',
  'CategoryCreated',
  'QuestionAsked',
  'QuestionEdited',
  'QuestionClosed',
  'QuestionReopened',
  'AnswerSelected',
  'AnswerSelectionCleared',
  'AnswerPosted',
  'AnswerEdited',
  'CommentPosted',
  'CommentEdited',
  'PostHidden',
  'PostShown',
  'VoteCast',
]);

/** Stream categories whose events the read models consume; the subscription filters on them. */
export const PROJECTED_STREAM_PREFIXES = ['user-', 'category-', 'question-', 'answer-', 'comment-', 'vote-'];

/** The event as projections see it, or null for events no read model uses. */
export function toProjected(stored: StoredEvent): ProjectedEvent | null {
  if (!PROJECTED_TYPES.has(stored.type as DomainEventType)) return null;
  return {
    type: stored.type,
    data: stored.data,
    id: stored.id,
    stream: stored.stream,
    revision: stored.revision,
    pos: Number(stored.position.commit),
  } as ProjectedEvent;
}

export type DocKey = [CollectionName, string];
/** A document already loaded in this batch (undefined when not loaded yet). */
export type Peek = <C extends CollectionName>(collection: C, id: string) => DocTypes[C] | null | undefined;

export class ReadModelProjection {
  constructor(readonly rules: PointsRules = DEFAULT_POINTS_RULES) {}

  apply(docs: DocSet, event: ProjectedEvent): void {
    const ctx = new ProjectionContext(docs, event, this.rules);
    for (const project of PROJECTIONS) project(ctx);
  }

  /**
   * The mutable documents an event reads or writes. Some depend on other documents (hiding a
   * question changes the counts of its categories), so the store calls this again once the
   * first round is loaded, until no new key appears.
   */
  keysFor(event: ProjectedEvent, peek: Peek): DocKey[] {
    const keys: DocKey[] = [];
    const lists = (q: Parameters<typeof listCountKeys>[0] | undefined) => {
      for (const key of listCountKeys(q ?? null)) keys.push(['listCounts', key]);
    };
    const user = (id: string | null | undefined) => id && keys.push(['users', id]);
    const e = event as DomainEvent;
    switch (e.type) {
      case 'UserRegistered':
      case 'UserLevelChanged':
      case 'UserPersonalDataErased':
        user(e.data.userId);
        break;
      case 'CategoryCreated':
        keys.push(['categories', e.data.categoryId]);
        break;
      case 'QuestionAsked':
        keys.push(['questions', e.data.questionId]);
        for (const id of e.data.category?.path ?? []) keys.push(['categories', id]);
        user(authorId(e.data.author));
        lists({ hidden: false, answerCount: 0, categoryPath: e.data.category?.path ?? [], tags: e.data.tags });
        break;
      case 'QuestionEdited': {
        keys.push(['questions', e.data.questionId]);
        for (const id of e.data.changes.category?.path ?? []) keys.push(['categories', id]);
        const q = peek('questions', e.data.questionId);
        for (const id of q?.categoryPath ?? []) keys.push(['categories', id]);
        if (q) {
          const c = e.data.changes;
          lists(q);
          lists({ ...q, tags: c.tags ?? q.tags, categoryPath: 'category' in c ? (c.category?.path ?? []) : q.categoryPath });
        }
        break;
      }
      case 'QuestionClosed':
      case 'QuestionReopened':
        keys.push(['questions', e.data.questionId]);
        break;
      case 'AnswerSelected':
        keys.push(['questions', e.data.questionId], ['posts', e.data.answerId]);
        if (e.data.previous) keys.push(['posts', e.data.previous.answerId]);
        user(e.data.questionAuthorId);
        user(e.data.answerAuthorId);
        user(e.data.previous?.answerAuthorId);
        break;
      case 'AnswerSelectionCleared':
        keys.push(['questions', e.data.questionId], ['posts', e.data.answerId]);
        user(e.data.questionAuthorId);
        user(e.data.answerAuthorId);
        break;
      case 'AnswerPosted': {
        keys.push(['posts', e.data.answerId], ['questions', e.data.questionId]);
        user(authorId(e.data.author));
        const q = peek('questions', e.data.questionId);
        if (q) lists({ ...q, answerCount: 0 });
        break;
      }
      case 'CommentPosted':
        keys.push(['posts', e.data.commentId], ['questions', e.data.questionId]);
        user(authorId(e.data.author));
        break;
      case 'AnswerEdited':
        keys.push(['posts', e.data.answerId], ['questions', e.data.questionId]);
        break;
      case 'CommentEdited':
        keys.push(['posts', e.data.commentId], ['questions', e.data.questionId]);
        break;
      case 'PostHidden':
      case 'PostShown': {
        keys.push(['questions', e.data.questionId]);
        if (e.data.postType !== 'question') keys.push(['posts', e.data.postId]);
        const q = peek('questions', e.data.questionId);
        if (e.data.postType === 'question') for (const id of q?.categoryPath ?? []) keys.push(['categories', id]);
        // every key the question may move between: visible or not, answered or not
        if (q) lists({ ...q, hidden: false, answerCount: 0 });
        break;
      }
      case 'VoteCast':
        keys.push(e.data.postType === 'question' ? ['questions', e.data.postId] : ['posts', e.data.postId]);
        user(e.data.postAuthorId);
        user(e.data.voterId);
        break;
      default:
        break;
    }
    return keys;
  }
}

/** A DocSet held in memory: the projection specs' "then documents", and the reference model. */
export class MemoryDocSet implements DocSet {
  readonly collections: { [C in CollectionName]: Map<string, DocTypes[C]> } = {
    users: new Map(),
    categories: new Map(),
    listCounts: new Map(),
    questions: new Map(),
    posts: new Map(),
    revisions: new Map(),
    ledger: new Map(),
  };

  get<C extends CollectionName>(collection: C, id: string): DocTypes[C] | null {
    return (this.collections[collection] as Map<string, DocTypes[C]>).get(id) ?? null;
  }

  put<C extends CollectionName>(collection: C, doc: DocTypes[C]): void {
    (this.collections[collection] as Map<string, DocTypes[C]>).set(doc._id, doc);
  }
}
