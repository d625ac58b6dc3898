/**
 * The write side over HTTP: every command endpoint of API.md, routed through the
 * @nestjs/cqrs CommandBus to one handler per use case (one folder each). Handlers share the
 * command shell (read, fold, decide, append), the event store and the personal-data vault
 * from CoreModule, and the rate limiter provided here.
 */
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Runtime } from '@qa/config';
import { Redis } from 'ioredis';
import { RUNTIME } from '@qa/common';
import { CoreModule } from '../core/core.module';
import { PasswordHasher } from '../auth/password.hasher';
import { DEFAULT_RATE_LIMITS, rateLimitPrefix } from '../rate-limit/rate-limit.policy';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { AskQuestionController } from './ask-question/ask-question.controller';
import { AskQuestionHandler } from './ask-question/ask-question.handler';
import { CastVoteController } from './cast-vote/cast-vote.controller';
import { CastVoteHandler } from './cast-vote/cast-vote.handler';
import { CloseQuestionController } from './close-question/close-question.controller';
import { CloseQuestionHandler } from './close-question/close-question.handler';
import { CreateSessionController } from './create-session/create-session.controller';
import { CreateSessionHandler } from './create-session/create-session.handler';
import { EditAnswerController } from './edit-answer/edit-answer.controller';
import { EditAnswerHandler } from './edit-answer/edit-answer.handler';
import { EditQuestionController } from './edit-question/edit-question.controller';
import { EditQuestionHandler } from './edit-question/edit-question.handler';
import { RegisterUserController } from './register-user/register-user.controller';
import { RegisterUserHandler } from './register-user/register-user.handler';
import { PostAnswerController } from './post-answer/post-answer.controller';
import { PostAnswerHandler } from './post-answer/post-answer.handler';
import { SelectAnswerController } from './select-answer/select-answer.controller';
import { SelectAnswerHandler } from './select-answer/select-answer.handler';
import { ChangeUserLevelController } from './change-user-level/change-user-level.controller';
import { ChangeUserLevelHandler } from './change-user-level/change-user-level.handler';
import { CreateCategoryController } from './create-category/create-category.controller';
import { CreateCategoryHandler } from './create-category/create-category.handler';
import { EditCommentController } from './edit-comment/edit-comment.controller';
import { EditCommentHandler } from './edit-comment/edit-comment.handler';
import { PostCommentController } from './post-comment/post-comment.controller';
import { PostCommentHandler } from './post-comment/post-comment.handler';
import { SetPostVisibilityController } from './set-post-visibility/set-post-visibility.controller';
import { SetPostVisibilityHandler } from './set-post-visibility/set-post-visibility.handler';
import { ActorLevels } from './shared/actor-levels';
import { PostingSupport } from './shared/command-support';
import { Lookups } from './shared/lookups';
import { RATE_LIMIT_POLICY } from './shared/tokens';

const RATE_LIMIT_REDIS = 'QA_RATE_LIMIT_REDIS';

class CommandsShutdown implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Module({
  imports: [CqrsModule.forRoot(), CoreModule],
  controllers: [
    RegisterUserController,
    CreateSessionController,
    AskQuestionController,
    EditQuestionController,
    CloseQuestionController,
    SelectAnswerController,
    PostAnswerController,
    EditAnswerController,
    CastVoteController,
    ChangeUserLevelController,
    CreateCategoryController,
    PostCommentController,
    EditCommentController,
    SetPostVisibilityController,
  ],
  providers: [
    { provide: PasswordHasher, useFactory: () => new PasswordHasher() },
    { provide: RATE_LIMIT_POLICY, useValue: DEFAULT_RATE_LIMITS },
    {
      // Its own connection, queueing commands until connected (the first request after a
      // start must not fail because the shared client is still connecting), and pipelining
      // the checks of concurrent requests into one write.
      provide: RATE_LIMIT_REDIS,
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => {
        const redis = new Redis(runtime.redisUrl, {
          maxRetriesPerRequest: 2,
          enableAutoPipelining: true,
        });
        redis.on('error', () => undefined);
        return redis;
      },
    },
    {
      provide: RateLimiter,
      inject: [RATE_LIMIT_REDIS, RUNTIME],
      useFactory: (redis: Redis, runtime: Runtime) =>
        new RateLimiter(redis, rateLimitPrefix(runtime.secrets.hashKey)),
    },
    CommandsShutdown,
    ActorLevels,
    Lookups,
    PostingSupport,
    RegisterUserHandler,
    CreateSessionHandler,
    AskQuestionHandler,
    EditQuestionHandler,
    CloseQuestionHandler,
    SelectAnswerHandler,
    PostAnswerHandler,
    EditAnswerHandler,
    CastVoteHandler,
    ChangeUserLevelHandler,
    CreateCategoryHandler,
    PostCommentHandler,
    EditCommentHandler,
    SetPostVisibilityHandler,
  ],
})
export class CommandsModule {}
