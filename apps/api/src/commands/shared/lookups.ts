/**
 * Reads the short streams a command refers to (the parent category, the question being
 * answered, the post being voted on) and summarises them the way the deciders expect.
 * Nothing here waits for read models, so a command sees every earlier command's effect.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  evolveCategory,
  evolveComment,
  evolveUser,
  initialCategoryState,
  initialCommentState,
  initialUserState,
  answerLookup,
  evolveAnswer,
  evolveQuestion,
  initialAnswerState,
  initialQuestionState,
  questionLookup,
  questionPostLookup,
  streams,
  type AnswerLookup,
  type CategoryCreated,
  type CategoryLookup,
  type Id,
  type PostLookup,
  type QuestionLookup,
} from '@qa/domain';
import { CommandRunner, type Fold } from '../../command-bus/command-runner';
import { isId } from './request-schema';

/** A decider's evolve as the runner takes it: events come off the store untyped. */
function foldOf<S, E>(initialState: () => S, evolve: (state: S, event: E) => S): Fold<S> {
  return { initialState, evolve: (state, event) => evolve(state, event as E) };
}

export const questionFold = foldOf(initialQuestionState, evolveQuestion);
export const answerFold = foldOf(initialAnswerState, evolveAnswer);
export const categoryFold = foldOf(initialCategoryState, evolveCategory);
export const commentFold = foldOf(initialCommentState, evolveComment);
export const userFold = foldOf(initialUserState, evolveUser);

const missingQuestion = (id: Id): QuestionLookup => ({
  id,
  exists: false,
  authorId: null,
  closed: false,
  hidden: false,
});

/**
 * How long a found question or answer summary is reused. What it says about authorship and
 * parentage never changes; whether the post is hidden or closed may, and this process drops
 * its copy the moment it hides, shows, closes or reopens one. So only a change made by
 * another API process can go unseen, for at most this long: a vote or answer racing a hide
 * by that much is accepted, as it would be had it arrived a moment earlier.
 */
export const LOOKUP_TTL_MS = 2_000;

class LookupCache {
  private readonly entries = new Map<string, { value: unknown; expires: number }>();
  /**
   * Loads under way. Concurrent requests about one post (many voters on a popular answer)
   * share one read instead of each reading the stream when the entry has just expired.
   */
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(private readonly capacity = 50_000) {}

  get<T extends { exists: boolean }>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > Date.now()) return Promise.resolve(hit.value as T);
    const pending = this.loading.get(key);
    if (pending) return pending as Promise<T>;
    const loaded = load().then(
      (value) => {
        // A `forget` since the read started drops this load: it may predate the change.
        if (this.loading.get(key) !== loaded) return value;
        this.loading.delete(key);
        // Only what exists is kept: something missing may be created any moment.
        if (value.exists) {
          if (this.entries.size >= this.capacity)
            this.entries.delete(this.entries.keys().next().value!);
          this.entries.set(key, { value, expires: Date.now() + LOOKUP_TTL_MS });
        } else {
          this.entries.delete(key);
        }
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }
}

@Injectable()
export class Lookups {
  private readonly cache = new LookupCache();

  constructor(@Inject(CommandRunner) private readonly runner: CommandRunner) {}

  /** Drops what this process remembers of a post whose visibility or state it just changed. */
  forget(type: 'question' | 'answer' | 'comment', id: Id): void {
    this.cache.forget(`${type}:${id}`);
    this.cache.forget(`post:${type}:${id}`);
  }

  async category(id: Id): Promise<CategoryLookup> {
    if (!isId(id)) return { id, exists: false, path: [] };
    const [created] = await this.runner.store.readStream(streams.category(id), { maxCount: 1 });
    if (created?.type !== 'CategoryCreated') return { id, exists: false, path: [] };
    return { id, exists: true, path: (created.data as CategoryCreated['data']).path };
  }

  async question(id: Id): Promise<QuestionLookup> {
    if (!isId(id)) return missingQuestion(id);
    return this.cache.get(`question:${id}`, async () => {
      const { state } = await this.runner.read(streams.question(id), questionFold);
      return questionLookup(id, state);
    });
  }

  async answer(id: Id): Promise<AnswerLookup> {
    if (!isId(id)) return { id, exists: false, questionId: '', authorId: null, hidden: false };
    const { state } = await this.runner.read(streams.answer(id), answerFold);
    return answerLookup(id, state);
  }

  /** A question or an answer as votes and comments see it (an answer's question included). */
  async post(type: 'question' | 'answer', id: Id): Promise<PostLookup> {
    const missing: PostLookup = {
      type,
      id,
      exists: false,
      questionId: '',
      authorId: null,
      hidden: false,
      questionHidden: false,
      questionClosed: false,
    };
    if (!isId(id)) return missing;
    if (type === 'question') {
      return this.cache.get(`post:question:${id}`, async () => {
        const { state } = await this.runner.read(streams.question(id), questionFold);
        return questionPostLookup(id, state);
      });
    }
    // The answer and its question are remembered apart, so hiding or closing the question
    // is seen at once by votes and comments on every one of its answers.
    const answer = await this.cache.get(`post:answer:${id}`, async () => {
      const { state } = await this.runner.read(streams.answer(id), answerFold);
      return answerLookup(id, state);
    });
    if (!answer.exists || !answer.questionId) return missing;
    const question = await this.question(answer.questionId);
    return {
      type: 'answer',
      id,
      exists: true,
      questionId: answer.questionId,
      authorId: answer.authorId,
      hidden: answer.hidden,
      questionHidden: question.hidden,
      questionClosed: question.closed,
    };
  }
}
