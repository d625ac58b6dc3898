import { Controller, Inject, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { LEVELS, type UserLevel } from '@qa/domain';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { ChangeUserLevelCommand, type LevelChangedResult } from './change-user-level.command';
import {
  changeUserLevelDto,
  changeUserLevelFields,
  type ChangeUserLevelDto,
} from './change-user-level.dto';

class LevelChangedResponse implements LevelChangedResult {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: Object.values(LEVELS) }) level!: UserLevel;
  @ApiProperty({ example: '18446' }) position!: string;
}

@ApiTags('users')
@Controller('api/v1/users')
@UseGuards(ActorGuard)
export class ChangeUserLevelController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Put(':username/level')
  @CommandEndpoint({
    summary: "Change a user's level (admins)",
    status: 200,
    response: LevelChangedResponse,
    body: changeUserLevelFields,
    errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'USER_NOT_FOUND'],
  })
  change(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('username') username: string,
    @ZodBody(changeUserLevelDto) body: ChangeUserLevelDto,
  ): Promise<LevelChangedResult> {
    return this.commands.execute(
      new ChangeUserLevelCommand(
        createCommandContext(actor, key),
        username,
        body.level as UserLevel,
      ),
    );
  }
}
