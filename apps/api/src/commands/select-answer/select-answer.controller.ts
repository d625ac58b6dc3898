import { Controller, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { SelectAnswerCommand, type SelectAnswerResult } from './select-answer.command';
import { selectAnswerDto, selectAnswerFields, type SelectAnswerDto } from './select-answer.dto';

class SelectAnswerResponse implements SelectAnswerResult {
  @ApiProperty() questionId!: string;
  @ApiProperty({ nullable: true, type: String }) answerId!: string | null;
  @ApiProperty({ example: '18446' }) position!: string;
}

@ApiTags('questions')
@Controller('api/v1/questions')
@UseGuards(ActorGuard)
export class SelectAnswerController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Put(':id/selected-answer')
  @CommandEndpoint({
    summary: "Select the best answer, or clear it (the question's author or an expert)",
    status: 200,
    response: SelectAnswerResponse,
    body: selectAnswerFields,
    errors: [
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'QUESTION_NOT_FOUND',
      'ANSWER_NOT_FOUND',
      'ANSWER_NOT_ON_QUESTION',
      'ANSWER_HIDDEN',
      'QUESTION_HIDDEN',
    ],
  })
  select(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(selectAnswerDto) body: SelectAnswerDto,
  ): Promise<SelectAnswerResult> {
    return this.commands.execute(
      new SelectAnswerCommand(createCommandContext(actor, key), id, body),
    );
  }
}
