import { Controller, Inject, Param, Patch, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { CreatedResponse, type CreatedResult } from '../shared/results';
import { EditQuestionCommand } from './edit-question.command';
import { editQuestionDto, editQuestionFields, type EditQuestionDto } from './edit-question.dto';

@ApiTags('questions')
@Controller('api/v1/questions')
@UseGuards(ActorGuard)
export class EditQuestionController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Patch(':id')
  @CommandEndpoint({
    summary: 'Edit a question (its author or an editor)',
    status: 200,
    response: CreatedResponse,
    body: editQuestionFields,
    errors: [
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'QUESTION_NOT_FOUND',
      'QUESTION_CLOSED',
      'QUESTION_HIDDEN',
      'CATEGORY_NOT_FOUND',
      'CONCURRENT_MODIFICATION',
    ],
  })
  edit(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(editQuestionDto) body: EditQuestionDto,
  ): Promise<CreatedResult> {
    return this.commands.execute(
      new EditQuestionCommand(createCommandContext(actor, key), id, body),
    );
  }
}
