/**
 * Appends the events the write side would append (users, questions, answers, comments,
 * selections) straight to the event store, with emails sealed by the real vault, so the
 * worker's tests and benchmark drive the reactor exactly as production traffic does.
 */
import { randomUUID } from 'node:crypto';
import type {
  AnswerPosted,
  AnswerSelected,
  Author,
  CommentPosted,
  DomainEvent,
  Id,
  NotifyPreference,
  QuestionAsked,
  UserRegistered,
} from '@qa/domain';
import { streams } from '@qa/domain';
import type { ErasureRegister, PersonalDataVault } from '@qa/common';
import type { AppendResult, EventMetadata, EventStore } from '@qa/event-store';

export type Poster =
  | { user: { userId: Id; username: string }; notify?: boolean }
  | { anonymous: { name?: string; email?: string }; notify?: boolean };

export interface Appended {
  id: Id;
  eventId: string;
  result: AppendResult;
}

export const newId = (): Id => randomUUID().replace(/-/g, '');

export class QaFixture {
  constructor(
    private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
    /** Where erasures are recorded, as the product's eraser records them; none: key only. */
    private readonly erasures: Pick<ErasureRegister, 'record'> | null = null,
  ) {}

  async registerUser(username: string, email: string, level: UserRegistered['data']['level'] = 0) {
    const userId = newId();
    const sealed = await this.vault.seal(userId, email);
    await this.append(streams.user(userId), userId, {
      type: 'UserRegistered',
      data: {
        userId,
        username,
        email: sealed,
        emailHash: this.vault.hashEmail(email),
        passwordHash: '$argon2id$not-used-here',
        level,
        registeredAt: new Date().toISOString(),
      },
    });
    return { userId, username };
  }

  /** Erases an anonymous poster's address as `audit erase <email>` does: no event tells of it. */
  async eraseAnonymous(email: string): Promise<void> {
    const subject = this.vault.anonymousEmailSubject(email);
    await this.erasures?.record(subject);
    await this.vault.erase(subject);
  }

  /** Only the first step of an erasure: recorded in the register, the key not yet deleted. */
  async recordErasureOnly(email: string): Promise<void> {
    if (!this.erasures) throw new Error('This fixture has no erasure register.');
    await this.erasures.record(this.vault.anonymousEmailSubject(email));
  }

  async erase(userId: Id): Promise<void> {
    await this.erasures?.record(userId);
    await this.vault.erase(userId);
    await this.append(streams.user(userId), userId, {
      type: 'UserPersonalDataErased',
      data: { userId, erasedBy: userId, at: new Date().toISOString() },
    });
  }

  async askQuestion(
    poster: Poster,
    title = 'How do I keep basil alive indoors?',
    body = 'It wilts.',
  ) {
    const questionId = newId();
    const { author, notify } = await this.authorship(poster);
    const appended = await this.append(streams.question(questionId), actorOf(author), {
      type: 'QuestionAsked',
      data: { questionId, title, body, category: null, tags: [], author, notify, at: now() },
    } satisfies QuestionAsked);
    return { ...appended, id: questionId, author };
  }

  async postAnswer(
    question: { id: Id; author: Author },
    poster: Poster,
    body = 'Give it more light.',
  ) {
    const answerId = newId();
    const { author, notify } = await this.authorship(poster);
    const appended = await this.append(streams.answer(answerId), actorOf(author), {
      type: 'AnswerPosted',
      data: {
        answerId,
        questionId: question.id,
        questionAuthorId: userIdOf(question.author),
        body,
        author,
        notify,
        at: now(),
      },
    } satisfies AnswerPosted);
    return { ...appended, id: answerId, author };
  }

  async comment(
    questionId: Id,
    parent: { type: 'question' | 'answer'; id: Id; author: Author },
    poster: Poster,
    body = 'Thanks, that helped.',
  ) {
    const commentId = newId();
    const { author, notify } = await this.authorship(poster);
    const appended = await this.append(streams.comment(commentId), actorOf(author), {
      type: 'CommentPosted',
      data: {
        commentId,
        questionId,
        parent: { type: parent.type, id: parent.id, authorId: userIdOf(parent.author) },
        body,
        author,
        notify,
        at: now(),
      },
    } satisfies CommentPosted);
    return { ...appended, id: commentId, author };
  }

  async selectAnswer(
    question: { id: Id; author: Author },
    answer: { id: Id; author: Author },
    by: Id,
  ) {
    return this.append(streams.question(question.id), by, {
      type: 'AnswerSelected',
      data: {
        questionId: question.id,
        questionAuthorId: userIdOf(question.author),
        answerId: answer.id,
        answerAuthorId: userIdOf(answer.author),
        previous: null,
        by,
        at: now(),
      },
    } satisfies AnswerSelected);
  }

  private async authorship(poster: Poster): Promise<{ author: Author; notify: NotifyPreference }> {
    const notify = poster.notify ?? true;
    if ('user' in poster) {
      return {
        author: { kind: 'user', userId: poster.user.userId, username: poster.user.username },
        notify: { notify, email: null },
      };
    }
    const { name, email } = poster.anonymous;
    const sealed = email
      ? await this.vault.seal(this.vault.anonymousEmailSubject(email), email)
      : null;
    return {
      author: { kind: 'anonymous', name: name ?? null, ipHash: null },
      notify: { notify, email: sealed },
    };
  }

  private async append(stream: string, actor: string, event: DomainEvent): Promise<Appended> {
    const eventId = randomUUID();
    const metadata: EventMetadata = {
      correlationId: eventId,
      causationId: eventId,
      actor,
      at: now(),
      schemaVersion: 1,
    };
    const result = await this.store.appendToStream(
      stream,
      [{ id: eventId, type: event.type, data: event.data }],
      { expectedRevision: 'any', metadata },
    );
    return { id: stream, eventId, result };
  }
}

const now = () => new Date().toISOString();
const userIdOf = (author: Author): Id | null => (author.kind === 'user' ? author.userId : null);
const actorOf = (author: Author): string => (author.kind === 'user' ? author.userId : 'anonymous');
