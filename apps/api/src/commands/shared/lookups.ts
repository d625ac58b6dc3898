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
  type CategoryState,
  type CommentState,
  type UserState,
  answerLookup,
  answerPostLookup,
  evolveAnswer,
  evolveQuestion,
  initialAnswerState,
  initialQuestionState,
  questionLookup,
  questionPostLookup,
  streams,
  type AnswerLookup,
  type AnswerState,
  type CategoryCreated,
  type CategoryLookup,
  type Id,
  type PostLookup,
  type QuestionLookup,
  type QuestionState,
} from '@qa/domain';
import { CommandRunner, type Fold } from '../../command-bus/command-runner';
import { isId } from './request-schema';

export const questionFold: Fold<QuestionState> = {
  initialState: initialQuestionState,
  evolve: (state, event) => evolveQuestion(state, event as Parameters<typeof evolveQuestion>[1]),
};

export const answerFold: Fold<AnswerState> = {
  initialState: initialAnswerState,
  evolve: (state, event) => evolveAnswer(state, event as Parameters<typeof evolveAnswer>[1]),
};

export const categoryFold: Fold<CategoryState> = {
  initialState: initialCategoryState,
  evolve: (state, event) => evolveCategory(state, event as Parameters<typeof evolveCategory>[1]),
};

export const commentFold: Fold<CommentState> = {
  initialState: initialCommentState,
  evolve: (state, event) => evolveComment(state, event as Parameters<typeof evolveComment>[1]),
};

export const userFold: Fold<UserState> = {
  initialState: initialUserState,
  evolve: (state, event) => evolveUser(state, event as Parameters<typeof evolveUser>[1]),
};

const missingQuestion = (id: Id): QuestionLookup => ({
  id,
  exists: false,
  authorId: null,
  closed: false,
  hidden: false,
});

@Injectable()
export class Lookups {
  constructor(@Inject(CommandRunner) private readonly runner: CommandRunner) {}

  async category(id: Id): Promise<CategoryLookup> {
    if (!isId(id)) return { id, exists: false, path: [] };
    const [created] = await this.runner.store.readStream(streams.category(id), { maxCount: 1 });
    if (created?.type !== 'CategoryCreated') return { id, exists: false, path: [] };
    return { id, exists: true, path: (created.data as CategoryCreated['data']).path };
  }

  async question(id: Id): Promise<QuestionLookup> {
    if (!isId(id)) return missingQuestion(id);
    const { state } = await this.runner.read(streams.question(id), questionFold);
    return questionLookup(id, state);
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
      const { state } = await this.runner.read(streams.question(id), questionFold);
      return questionPostLookup(id, state);
    }
    const { state } = await this.runner.read(streams.answer(id), answerFold);
    if (!state.exists || !state.questionId) return missing;
    return answerPostLookup(id, state, await this.question(state.questionId));
  }
}
