import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { RegisterUserDto } from './register-user.dto';

export interface RegisteredResult {
  id: string;
  username: string;
  position: string;
}

export class RegisterUserCommand extends Command<RegisteredResult> {
  constructor(
    readonly context: CommandContext,
    readonly input: RegisterUserDto,
  ) {
    super();
  }
}
