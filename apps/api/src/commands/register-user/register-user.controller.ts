import { Controller, Inject, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { RegisterUserCommand, type RegisteredResult } from './register-user.command';
import { registerUserDto, registerUserFields, type RegisterUserDto } from './register-user.dto';

class RegisteredResponse implements RegisteredResult {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ example: '18446' }) position!: string;
}

@ApiTags('users')
@Controller('api/v1/users')
@UseGuards(ActorGuard)
export class RegisterUserController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @CommandEndpoint({
    summary: 'Register (the first user ever registered becomes super)',
    status: 201,
    response: RegisteredResponse,
    body: registerUserFields,
    errors: ['VALIDATION_FAILED', 'USERNAME_TAKEN', 'EMAIL_TAKEN'],
  })
  register(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @ZodBody(registerUserDto) body: RegisterUserDto,
  ): Promise<RegisteredResult> {
    return this.commands.execute(new RegisterUserCommand(createCommandContext(actor, key), body));
  }
}
