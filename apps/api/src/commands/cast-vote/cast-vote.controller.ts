import { Controller, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import type { VoteValue } from '@qa/domain';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { CastVoteCommand, type CastVoteResult } from './cast-vote.command';
import { castVoteDto, castVoteFields, type CastVoteDto } from './cast-vote.dto';

class CastVoteResponse implements CastVoteResult {
  @ApiProperty({ enum: [1, -1, 0] }) value!: VoteValue;
  @ApiProperty({ example: '18446' }) position!: string;
}

const VOTE_ERRORS = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'CANNOT_VOTE_OWN_POST',
  'CANNOT_VOTE_HIDDEN_POST',
  'RATE_LIMITED',
];

/** The two vote routes differ only in what they vote on. */
function VoteEndpoint(on: 'question' | 'answer') {
  return CommandEndpoint({
    summary: `Vote on ${on === 'question' ? 'a question' : 'an answer'} (registered users)`,
    status: 200,
    response: CastVoteResponse,
    body: castVoteFields,
    errors: [...VOTE_ERRORS, on === 'question' ? 'QUESTION_NOT_FOUND' : 'ANSWER_NOT_FOUND'],
  });
}

@ApiTags('votes')
@Controller('api/v1')
@UseGuards(ActorGuard)
export class CastVoteController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Put('questions/:id/vote')
  @VoteEndpoint('question')
  voteOnQuestion(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(castVoteDto) body: CastVoteDto,
  ): Promise<CastVoteResult> {
    return this.vote(actor, key, 'question', id, body);
  }

  @Put('answers/:id/vote')
  @VoteEndpoint('answer')
  voteOnAnswer(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(castVoteDto) body: CastVoteDto,
  ): Promise<CastVoteResult> {
    return this.vote(actor, key, 'answer', id, body);
  }

  private vote(
    actor: Actor,
    key: string | null,
    on: 'question' | 'answer',
    id: string,
    body: CastVoteDto,
  ): Promise<CastVoteResult> {
    return this.commands.execute(
      new CastVoteCommand(createCommandContext(actor, key), on, id, body.value as VoteValue),
    );
  }
}
