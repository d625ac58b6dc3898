import { Controller, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { LEVELS, type UserLevel } from '@qa/domain';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { CreateSessionCommand, type SessionResult } from './create-session.command';
import { createSessionDto, createSessionFields, type CreateSessionDto } from './create-session.dto';

class SessionUser {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: Object.values(LEVELS) }) level!: UserLevel;
}

class SessionResponse implements SessionResult {
  @ApiProperty({ description: 'Bearer token, valid for seven days.' }) token!: string;
  @ApiProperty({ type: SessionUser }) user!: SessionUser;
}

@ApiTags('users')
@Controller('api/v1/sessions')
export class CreateSessionController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @CommandEndpoint({
    summary: 'Sign in with a username or email and a password',
    status: 200,
    response: SessionResponse,
    body: createSessionFields,
    errors: ['VALIDATION_FAILED', 'UNAUTHENTICATED'],
  })
  signIn(@ZodBody(createSessionDto) body: CreateSessionDto): Promise<SessionResult> {
    return this.commands.execute(new CreateSessionCommand(body));
  }
}
