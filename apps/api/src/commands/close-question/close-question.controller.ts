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
import { CloseQuestionCommand } from './close-question.command';
import { closeQuestionDto, closeQuestionFields, type CloseQuestionDto } from './close-question.dto';

@ApiTags('questions')
@Controller('api/v1/questions')
@UseGuards(ActorGuard)
export class CloseQuestionController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post(':id/close')
  @CommandEndpoint({
    summary: 'Close a question (its author or an editor)',
    status: 200,
    response: CreatedResponse,
    body: closeQuestionFields,
    errors: [
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'QUESTION_NOT_FOUND',
      'ALREADY_CLOSED',
    ],
  })
  close(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(closeQuestionDto) body: CloseQuestionDto,
  ): Promise<CreatedResult> {
    return this.commands.execute(
      new CloseQuestionCommand(createCommandContext(actor, key), id, body),
    );
  }

  @Post(':id/reopen')
  @CommandEndpoint({
    summary: 'Reopen a closed question (its author or an editor)',
    status: 200,
    response: CreatedResponse,
    errors: ['UNAUTHENTICATED', 'FORBIDDEN', 'QUESTION_NOT_FOUND', 'NOT_CLOSED'],
  })
  reopen(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
  ): Promise<CreatedResult> {
    return this.commands.execute(
      new CloseQuestionCommand(createCommandContext(actor, key), id, null),
    );
  }
}
