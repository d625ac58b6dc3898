import { Controller, Inject, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { CreatedResponse, type CreatedResult } from '../shared/results';
import { AskQuestionCommand } from './ask-question.command';
import { askQuestionDto, askQuestionFields, type AskQuestionDto } from './ask-question.dto';

@ApiTags('questions')
@Controller('api/v1/questions')
@UseGuards(ActorGuard)
export class AskQuestionController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @CommandEndpoint({
    summary: 'Ask a question (anonymous ok)',
    status: 201,
    response: CreatedResponse,
    body: askQuestionFields,
    errors: ['VALIDATION_FAILED', 'CATEGORY_NOT_FOUND', 'RATE_LIMITED'],
  })
  ask(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @ZodBody(askQuestionDto) body: AskQuestionDto,
  ): Promise<CreatedResult> {
    return this.commands.execute(new AskQuestionCommand(createCommandContext(actor, key), body));
  }
}
