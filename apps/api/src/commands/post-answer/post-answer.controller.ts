import { Controller, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { CreatedResponse, type CreatedResult } from '../shared/results';
import { PostAnswerCommand } from './post-answer.command';
import { postAnswerDto, postAnswerFields, type PostAnswerDto } from './post-answer.dto';

@ApiTags('answers')
@Controller('api/v1/questions')
@UseGuards(ActorGuard)
export class PostAnswerController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post(':id/answers')
  @CommandEndpoint({
    summary: 'Answer a question (anonymous ok)',
    status: 201,
    response: CreatedResponse,
    body: postAnswerFields,
    errors: [
      'VALIDATION_FAILED',
      'QUESTION_NOT_FOUND',
      'QUESTION_CLOSED',
      'QUESTION_HIDDEN',
      'RATE_LIMITED',
    ],
  })
  answer(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') questionId: string,
    @ZodBody(postAnswerDto) body: PostAnswerDto,
  ): Promise<CreatedResult> {
    return this.commands.execute(
      new PostAnswerCommand(createCommandContext(actor, key), questionId, body),
    );
  }
}
