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
import { EditAnswerCommand } from './edit-answer.command';
import { editAnswerDto, editAnswerFields, type EditAnswerDto } from './edit-answer.dto';

@ApiTags('answers')
@Controller('api/v1/answers')
@UseGuards(ActorGuard)
export class EditAnswerController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Patch(':id')
  @CommandEndpoint({
    summary: 'Edit an answer (its author or an editor)',
    status: 200,
    response: CreatedResponse,
    body: editAnswerFields,
    errors: [
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'ANSWER_NOT_FOUND',
      'ANSWER_HIDDEN',
      'CONCURRENT_MODIFICATION',
    ],
  })
  edit(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(editAnswerDto) body: EditAnswerDto,
  ): Promise<CreatedResult> {
    return this.commands.execute(new EditAnswerCommand(createCommandContext(actor, key), id, body));
  }
}
