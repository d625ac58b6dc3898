/**
 * Rollback, as on Stack Exchange: the old revision's content goes through the post's own
 * edit decider (same permissions: the author or an editor; same validation), marked with
 * `restoredRevision`, so the history keeps every revision and gains one more.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideAnswer,
  decideComment,
  decideQuestion,
  evolveAnswer,
  evolveComment,
  evolveQuestion,
  initialAnswerState,
  initialCommentState,
  initialQuestionState,
  notFound,
  streams,
  type Actor as DomainActor,
  type AnswerState,
  type CommentState,
  type DomainEvent,
  type QuestionState,
} from '@qa/domain';
import { CommandRunner, type Fold } from '../../command-bus/command-runner';
import { requireUser } from '../../auth/actor';
import { UserDirectory } from '../../auth/user.directory';
import { postRevisionsFromStream, type PostKind } from './post-history';
import { RestoreRevisionCommand, type RestoreResult } from './restore-revision.command';

const questionFold: Fold<QuestionState> = {
  initialState: initialQuestionState,
  evolve: (s, e) => evolveQuestion(s, e as never),
};
const answerFold: Fold<AnswerState> = {
  initialState: initialAnswerState,
  evolve: (s, e) => evolveAnswer(s, e as never),
};
const commentFold: Fold<CommentState> = {
  initialState: initialCommentState,
  evolve: (s, e) => evolveComment(s, e as never),
};

const streamOf = (kind: PostKind, id: string) =>
  kind === 'question'
    ? streams.question(id)
    : kind === 'answer'
      ? streams.answer(id)
      : streams.comment(id);

@CommandHandler(RestoreRevisionCommand)
export class RestoreRevisionHandler implements ICommandHandler<
  RestoreRevisionCommand,
  RestoreResult
> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(UserDirectory) private readonly users: UserDirectory,
  ) {}

  async execute({ context, postId, revision }: RestoreRevisionCommand): Promise<RestoreResult> {
    const user = await this.users.current(requireUser(context.actor));
    const actor: DomainActor = {
      kind: 'user',
      userId: user.userId,
      username: user.username,
      level: user.level,
    };
    const { kind, events } = await this.findPost(postId);
    const target = postRevisionsFromStream(kind, events).find((r) => r.revision === revision);
    if (!target)
      throw notFound('REVISION_NOT_FOUND', `Post ${postId} has no revision ${revision}.`);
    const common = {
      reason: `Rolled back to revision ${revision}`,
      restoredRevision: revision,
      actor,
      at: context.at,
    };
    const stream = streamOf(kind, postId);
    const { position } =
      kind === 'question'
        ? await this.runner.handle(
            stream,
            questionFold,
            (state): DomainEvent[] =>
              decideQuestion(
                {
                  type: 'EditQuestion',
                  data: {
                    questionId: postId,
                    changes: { title: target.title, body: target.body, tags: target.tags },
                    ...common,
                  },
                },
                state,
              ),
            context,
          )
        : kind === 'answer'
          ? await this.runner.handle(
              stream,
              answerFold,
              (state): DomainEvent[] =>
                decideAnswer(
                  { type: 'EditAnswer', data: { answerId: postId, body: target.body, ...common } },
                  state,
                ),
              context,
            )
          : await this.runner.handle(
              stream,
              commentFold,
              (state): DomainEvent[] =>
                decideComment(
                  {
                    type: 'EditComment',
                    data: { commentId: postId, body: target.body, ...common },
                  },
                  state,
                ),
              context,
            );
    return { id: postId, position };
  }

  /** Ids are unique across post kinds, so at most one of the three streams exists. */
  private async findPost(postId: string) {
    if (!/^[a-z0-9]{1,64}$/.test(postId))
      throw notFound('POST_NOT_FOUND', `There is no post ${postId}.`);
    const kinds: PostKind[] = ['question', 'answer', 'comment'];
    const read = await Promise.all(
      kinds.map((k) => this.runner.store.readStream(streamOf(k, postId))),
    );
    const i = read.findIndex((events) => events.length > 0);
    if (i === -1) throw notFound('POST_NOT_FOUND', `There is no post ${postId}.`);
    return { kind: kinds[i], events: read[i] };
  }
}
