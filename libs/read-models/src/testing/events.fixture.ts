/**
 * Builders for domain events as the projections receive them, with increasing `$all`
 * positions, and a `given` helper: given events -> then documents, no MongoDB involved.
 */
import type { Author, DomainEvent, EventOf, Id, QuestionCategoryRef } from '@qa/domain';
import type { ProjectedEvent } from '../engine/projection.context';
import { MemoryDocSet, ReadModelProjection } from '../engine/read-model.projection';

export class EventFactory {
  private pos = 0;
  private seq = 0;
  private readonly revisions = new Map<string, bigint>();
  /** Base time; each event is one minute after the previous. */
  private clock = Date.UTC(2025, 0, 1);

  at(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  make<E extends DomainEvent>(stream: string, type: E['type'], data: E['data']): ProjectedEvent<E> {
    const revision = (this.revisions.get(stream) ?? -1n) + 1n;
    this.revisions.set(stream, revision);
    this.pos += 100;
    this.seq += 1;
    return { type, data, id: `00000000-0000-4000-8000-${String(this.seq).padStart(12, '0')}`, stream, revision, pos: this.pos } as unknown as ProjectedEvent<E>;
  }

  user(userId: Id, username = userId): ProjectedEvent<EventOf<'UserRegistered'>> {
    return this.make(`user-${userId}`, 'UserRegistered', {
      userId,
      username,
      email: { subject: userId, data: 'sealed' },
      emailHash: `h${userId}`,
      passwordHash: 'x',
      level: 0,
      registeredAt: this.at(),
    });
  }

  category(categoryId: Id, name: string, parent: { id: Id; path: Id[] } | null = null): ProjectedEvent<EventOf<'CategoryCreated'>> {
    return this.make(`category-${categoryId}`, 'CategoryCreated', {
      categoryId,
      name,
      slug: name.toLowerCase(),
      description: `About ${name}`,
      parentId: parent?.id ?? null,
      path: [...(parent?.path ?? []), categoryId],
      createdBy: 'admin',
      at: this.at(),
    });
  }

  ask(questionId: Id, author: Author, opts: { category?: QuestionCategoryRef | null; tags?: string[]; title?: string } = {}) {
    return this.make<EventOf<'QuestionAsked'>>(`question-${questionId}`, 'QuestionAsked', {
      questionId,
      title: opts.title ?? `Question ${questionId} title here`,
      body: `Body of **${questionId}**`,
      category: opts.category ?? null,
      tags: opts.tags ?? [],
      author,
      notify: { notify: true, email: null },
      at: this.at(),
    });
  }

  answer(answerId: Id, questionId: Id, author: Author, questionAuthorId: Id | null = null) {
    return this.make<EventOf<'AnswerPosted'>>(`answer-${answerId}`, 'AnswerPosted', {
      answerId,
      questionId,
      questionAuthorId,
      body: `Answer ${answerId}`,
      author,
      notify: { notify: true, email: null },
      at: this.at(),
    });
  }

  comment(commentId: Id, questionId: Id, parent: { type: 'question' | 'answer'; id: Id; authorId?: Id | null }, author: Author) {
    return this.make<EventOf<'CommentPosted'>>(`comment-${commentId}`, 'CommentPosted', {
      commentId,
      questionId,
      parent: { type: parent.type, id: parent.id, authorId: parent.authorId ?? null },
      body: `Comment ${commentId}`,
      author,
      notify: { notify: false, email: null },
      at: this.at(),
    });
  }

  vote(post: { id: Id; type: 'question' | 'answer'; questionId: Id; authorId: Id | null }, voterId: Id, value: 1 | -1 | 0, previousValue: 1 | -1 | 0 = 0) {
    return this.make<EventOf<'VoteCast'>>(`vote-${post.id}_${voterId}`, 'VoteCast', {
      postId: post.id,
      postType: post.type,
      questionId: post.questionId,
      postAuthorId: post.authorId,
      voterId,
      value,
      previousValue,
      at: this.at(),
    });
  }

  select(questionId: Id, questionAuthorId: Id | null, answerId: Id, answerAuthorId: Id | null, previous: { answerId: Id; answerAuthorId: Id | null } | null = null) {
    return this.make<EventOf<'AnswerSelected'>>(`question-${questionId}`, 'AnswerSelected', {
      questionId,
      questionAuthorId,
      answerId,
      answerAuthorId,
      previous,
      by: questionAuthorId ?? 'admin',
      at: this.at(),
    });
  }

  clearSelection(questionId: Id, questionAuthorId: Id | null, answerId: Id, answerAuthorId: Id | null) {
    return this.make<EventOf<'AnswerSelectionCleared'>>(`question-${questionId}`, 'AnswerSelectionCleared', {
      questionId,
      questionAuthorId,
      answerId,
      answerAuthorId,
      by: questionAuthorId ?? 'admin',
      at: this.at(),
    });
  }
}

export const userAuthor = (userId: Id, username = userId): Author => ({ kind: 'user', userId, username });
export const anonymous = (name: string | null = null): Author => ({ kind: 'anonymous', name, ipHash: 'iphash' });

/** Applies the events in order to fresh (or given) documents. */
export function given(events: ProjectedEvent[], docs = new MemoryDocSet(), projection = new ReadModelProjection()): MemoryDocSet {
  for (const event of events) projection.apply(docs, event);
  return docs;
}

/** A deep copy of every document, to compare states. */
export function snapshot(docs: MemoryDocSet): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(Object.fromEntries(Object.entries(docs.collections).map(([c, m]) => [c, Object.fromEntries(m)]))),
  );
}

export function ledgerOf(docs: MemoryDocSet, userId: Id) {
  return [...docs.collections.ledger.values()].filter((l) => l.userId === userId).sort((a, b) => a.pos - b.pos);
}
