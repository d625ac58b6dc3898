import { Command } from '@nestjs/cqrs';
import type { Id, UserLevel } from '@qa/domain';
import type { CreateSessionDto } from './create-session.dto';

export interface SessionResult {
  token: string;
  user: { id: Id; username: string; level: UserLevel };
}

/** Signing in appends nothing; it is a command because it acts on the write side's state. */
export class CreateSessionCommand extends Command<SessionResult> {
  constructor(readonly input: CreateSessionDto) {
    super();
  }
}
