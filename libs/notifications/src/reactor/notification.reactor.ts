/**
 * The notification reactor: for each event of a `$all` batch it decides who to tell
 * (recipients.rules), resolves them to addresses from the event store (the source of truth),
 * and enqueues one job per recipient. Job ids derive from the event id and the recipient, so
 * a batch handled twice (a crash before the checkpoint moved) enqueues nothing new.
 */
import type {
  AnswerEdited,
  AnswerPosted,
  AnswerSelected,
  Author,
  CommentPosted,
  DomainEvent,
  Id,
  NotifyPreference,
  QuestionAsked,
  QuestionEdited,
  Sealed,
  UserRegistered,
} from '@qa/domain';
import { LEVELS, streams } from '@qa/domain';
import type { EventStore, StoredEvent } from '@qa/event-store';
import type { NotificationEmailJob } from '../jobs/notification.jobs';
import type { NotificationLogger } from '../processor/notification-email.processor';
import type { PostAuthorship, Target } from '../recipients/recipients.rules';
import {
  answerPostedTargets,
  answerSelectedTargets,
  commentPostedTargets,
  finalRecipients,
  questionAskedTargets,
} from '../recipients/recipients.rules';
import type { NotifyAdminsStore, NotifyThreadsStore } from './reactor.stores';

/** What the reactor needs from the personal-data vault. */
export interface ReactorVault {
  open(sealed: Sealed): Promise<string | null>;
  hashEmail(email: string): string;
  forget(subject: string): void;
}

export interface ReactorDeps {
  store: EventStore;
  vault: ReactorVault;
  threads: NotifyThreadsStore;
  admins: NotifyAdminsStore;
  enqueue(jobs: NotificationEmailJob[]): Promise<void>;
  notifyAdminOnQuestion: boolean;
  logger: NotificationLogger;
}

/** Only these streams matter to the reactor; the subscription filters on them. */
export const REACTOR_STREAM_PREFIXES = ['user-', 'question-', 'answer-', 'comment-'];

interface QuestionFacts extends PostAuthorship {
  title: string;
}

interface UserFacts {
  username: string;
  email: Sealed;
}

/** Events whose recipients the reactor resolves; everything else only updates its state. */
const NOTIFYING_TYPES = new Set([
  'AnswerPosted',
  'CommentPosted',
  'AnswerSelected',
  'QuestionAsked',
]);

const QUESTION_TTL_MS = 10_000;

/** How many events of a batch are resolved at once (each needs a few store reads). */
const RESOLVE_CONCURRENCY = 32;

const threadIdOf = (e: CommentPosted['data']) => `${e.parent.type}-${e.parent.id}`;

/** Maps with at most `limit` calls in flight, results in input order. */
async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Immutable facts (who wrote a post, a user's sealed email) are worth keeping in memory. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}

export class NotificationReactor {
  private readonly users = new Lru<Promise<UserFacts | null>>(10_000);
  private readonly questions = new Lru<{ until: number; facts: Promise<QuestionFacts | null> }>(
    10_000,
  );

  constructor(private readonly deps: ReactorDeps) {}

  /**
   * Handles one batch in `$all` order; resolves once its jobs are in the queue. Events that
   * notify are independent of each other, so runs of them are resolved concurrently; user
   * events (levels, erasure) are applied in order between those runs. Comments are added to
   * their thread's index first: each one only sees commenters from before its own position.
   */
  async onEvents(events: StoredEvent[]): Promise<void> {
    const jobs: NotificationEmailJob[] = [];
    const question = (id: Id) => this.question(id);
    let run: StoredEvent[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      for (const e of run) if (e.type === 'CommentPosted') await this.indexComment(e);
      const perEvent = await mapConcurrently(run, RESOLVE_CONCURRENCY, (e) =>
        this.notify(e, question),
      );
      for (const list of perEvent) jobs.push(...list);
      run = [];
    };
    for (const event of events) {
      if (NOTIFYING_TYPES.has(event.type)) {
        run.push(event);
      } else {
        await flush();
        await this.track(event);
      }
    }
    await flush();
    await this.deps.enqueue(jobs);
  }

  private async track(stored: StoredEvent): Promise<void> {
    const event = { type: stored.type, data: stored.data } as DomainEvent;
    switch (event.type) {
      case 'UserRegistered':
      case 'UserLevelChanged':
        await this.trackLevel(event.data.userId, event.data.level, stored.revision);
        return;
      case 'UserPersonalDataErased':
        // The key is gone from the store; stop using a copy this process may still hold.
        this.deps.vault.forget(event.data.userId);
        this.users.delete(event.data.userId);
        return;
      default:
        return;
    }
  }

  private notify(
    stored: StoredEvent,
    question: (id: Id) => Promise<QuestionFacts | null>,
  ): Promise<NotificationEmailJob[]> {
    const event = { type: stored.type, data: stored.data } as DomainEvent;
    switch (event.type) {
      case 'AnswerPosted':
        return this.answerPosted(stored, event.data, question);
      case 'CommentPosted':
        return this.commentPosted(stored, event.data, question);
      case 'AnswerSelected':
        return this.answerSelected(stored, event.data, question);
      case 'QuestionAsked':
        return this.questionAsked(stored, event.data);
      default:
        return Promise.resolve([]);
    }
  }

  private async indexComment(stored: StoredEvent): Promise<void> {
    const e = stored.data as CommentPosted['data'];
    await this.deps.threads.addCommenter(threadIdOf(e), e.questionId, {
      commentId: e.commentId,
      position: stored.position.commit.toString(),
      author: e.author,
      notify: e.notify,
    });
  }

  private trackLevel(userId: Id, level: number, revision: bigint): Promise<void> {
    return this.deps.admins.setLevel(userId, level, Number(revision));
  }

  private async answerPosted(
    stored: StoredEvent,
    e: AnswerPosted['data'],
    question: (id: Id) => Promise<QuestionFacts | null>,
  ): Promise<NotificationEmailJob[]> {
    const q = await question(e.questionId);
    if (!q) return this.missing(stored, `question-${e.questionId}`);
    const targets = answerPostedTargets(e, q);
    return this.jobs(stored, targets, e.author, e.notify, {
      questionId: e.questionId,
      questionTitle: q.title,
      actorName: await this.authorName(e.author),
      text: e.body,
      path: `/questions/${e.questionId}#answer-${e.answerId}`,
    });
  }

  private async commentPosted(
    stored: StoredEvent,
    e: CommentPosted['data'],
    question: (id: Id) => Promise<QuestionFacts | null>,
  ): Promise<NotificationEmailJob[]> {
    const q = await question(e.questionId);
    if (!q) return this.missing(stored, `question-${e.questionId}`);
    const parent = e.parent.type === 'question' ? q : await this.loadAnswer(e.parent.id);
    if (!parent) return this.missing(stored, `answer-${e.parent.id}`);
    const earlier = await this.deps.threads.earlierCommenters(
      threadIdOf(e),
      stored.position.commit,
    );
    const targets = commentPostedTargets(e, parent, earlier);
    return this.jobs(stored, targets, e.author, e.notify, {
      questionId: e.questionId,
      questionTitle: q.title,
      actorName: await this.authorName(e.author),
      text: e.body,
      path: `/questions/${e.questionId}#comment-${e.commentId}`,
    });
  }

  private async answerSelected(
    stored: StoredEvent,
    e: AnswerSelected['data'],
    question: (id: Id) => Promise<QuestionFacts | null>,
  ): Promise<NotificationEmailJob[]> {
    const [q, answer] = await Promise.all([question(e.questionId), this.loadAnswer(e.answerId)]);
    if (!q) return this.missing(stored, `question-${e.questionId}`);
    if (!answer) return this.missing(stored, `answer-${e.answerId}`);
    const targets = answerSelectedTargets(e, answer);
    const selector = await this.loadUser(e.by);
    const actor: Author = { kind: 'user', userId: e.by, username: selector?.username ?? e.by };
    return this.jobs(stored, targets, actor, null, {
      questionId: e.questionId,
      questionTitle: q.title,
      actorName: selector?.username ?? 'Someone',
      text: answer.body,
      path: `/questions/${e.questionId}#answer-${e.answerId}`,
    });
  }

  private async questionAsked(
    stored: StoredEvent,
    e: QuestionAsked['data'],
  ): Promise<NotificationEmailJob[]> {
    if (!this.deps.notifyAdminOnQuestion) return [];
    const admins = await this.deps.admins.adminIds(LEVELS.admin);
    const targets = questionAskedTargets(e, admins, true);
    return this.jobs(stored, targets, e.author, e.notify, {
      questionId: e.questionId,
      questionTitle: e.title,
      actorName: await this.authorName(e.author),
      text: e.body,
      path: `/questions/${e.questionId}`,
    });
  }

  /** Resolves parties to addresses, applies the address rules, builds the jobs. */
  private async jobs(
    stored: StoredEvent,
    targets: Target[],
    actor: Author,
    actorNotify: NotifyPreference | null,
    content: { questionId: Id } & NotificationEmailJob['content'],
  ): Promise<NotificationEmailJob[]> {
    if (targets.length === 0) return [];
    const sealedOf = async (t: Target): Promise<Sealed | null> =>
      t.party.kind === 'email'
        ? t.party.email
        : ((await this.loadUser(t.party.userId))?.email ?? null);
    const resolved = await Promise.all(
      targets.map(async (target) => {
        const sealed = await sealedOf(target);
        const address = sealed ? await this.deps.vault.open(sealed) : null;
        return { target: { ...target, sealed: sealed as Sealed }, address };
      }),
    );
    const actorAddress = await this.actorAddress(actor, actorNotify);
    const { questionId, ...jobContent } = content;
    return finalRecipients(resolved, actorAddress).map(({ target, address }) => ({
      eventId: stored.id,
      eventType: stored.type as NotificationEmailJob['eventType'],
      questionId,
      reason: target.reason,
      recipient: { email: target.sealed, hash: this.deps.vault.hashEmail(address) },
      content: jobContent,
    }));
  }

  /** The actor's own address, so nobody is told about what they did themselves. */
  private async actorAddress(
    actor: Author,
    notify: NotifyPreference | null,
  ): Promise<string | null> {
    if (actor.kind === 'user') {
      const user = await this.loadUser(actor.userId);
      return user ? this.deps.vault.open(user.email) : null;
    }
    return notify?.email ? this.deps.vault.open(notify.email) : null;
  }

  private async authorName(author: Author): Promise<string> {
    return author.kind === 'user' ? author.username : (author.name ?? 'anonymous');
  }

  private missing(stored: StoredEvent, stream: string): NotificationEmailJob[] {
    this.deps.logger.warn(
      { eventId: stored.id, type: stored.type, stream },
      'notification skipped: the post it refers to was not found',
    );
    return [];
  }

  /**
   * Who asked never changes; the title can, so it is re-read after QUESTION_TTL_MS: an email
   * may show a title edited seconds before, never an old one for long.
   */
  private question(id: Id): Promise<QuestionFacts | null> {
    const now = Date.now();
    const cached = this.questions.get(id);
    if (cached && cached.until > now) return cached.facts;
    const facts = this.loadQuestion(id);
    this.questions.set(id, { until: now + QUESTION_TTL_MS, facts });
    facts.then(
      (f) => f === null && this.questions.delete(id),
      () => this.questions.delete(id),
    );
    return facts;
  }

  /** The question's author, notify preference and current title (the stream stays short). */
  private async loadQuestion(id: Id): Promise<QuestionFacts | null> {
    const events = await this.deps.store.readStream(streams.question(id));
    let facts: QuestionFacts | null = null;
    for (const e of events) {
      if (e.type === 'QuestionAsked') {
        const d = e.data as QuestionAsked['data'];
        facts = { author: d.author, notify: d.notify, title: d.title };
      } else if (e.type === 'QuestionEdited' && facts) {
        const d = e.data as QuestionEdited['data'];
        if (d.changes.title !== undefined) facts.title = d.changes.title;
      }
    }
    return facts;
  }

  /** The answer's author, notify preference and current body (the stream stays short). */
  private async loadAnswer(id: Id): Promise<(PostAuthorship & { body: string }) | null> {
    const events = await this.deps.store.readStream(streams.answer(id));
    let facts: (PostAuthorship & { body: string }) | null = null;
    for (const e of events) {
      if (e.type === 'AnswerPosted') {
        const d = e.data as AnswerPosted['data'];
        facts = { author: d.author, notify: d.notify, body: d.body };
      } else if (e.type === 'AnswerEdited' && facts) {
        facts.body = (e.data as AnswerEdited['data']).body;
      }
    }
    return facts;
  }

  /** A user's name and sealed email never change; concurrent lookups share one read. */
  private loadUser(id: Id): Promise<UserFacts | null> {
    const cached = this.users.get(id);
    if (cached !== undefined) return cached;
    const loading = this.readUser(id);
    this.users.set(id, loading);
    // A failed read is not remembered: the next event tries again.
    loading.catch(() => this.users.delete(id));
    return loading;
  }

  private async readUser(id: Id): Promise<UserFacts | null> {
    const [first] = await this.deps.store.readStream(streams.user(id), { maxCount: 1 });
    if (!first || first.type !== 'UserRegistered') return null;
    const d = first.data as UserRegistered['data'];
    return { username: d.username, email: d.email };
  }
}
