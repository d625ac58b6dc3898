/**
 * `DELETE /api/v1/users/:username/personal-data` (the user or an admin): crypto-shreds the
 * user's email everywhere, history included (see PersonalDataEraser).
 */
import { Controller, Delete, HttpCode, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PersonalDataEraser, userNotFound } from '@qa/audit';
import type { Actor } from '../../auth/actor';
import { requireUser } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { UserDirectory } from '../../auth/user.directory';

@ApiTags('audit')
@Controller('api/v1/users')
@UseGuards(ActorGuard)
export class ErasePersonalDataController {
  constructor(
    @Inject(PersonalDataEraser) private readonly eraser: PersonalDataEraser,
    @Inject(UserDirectory) private readonly users: UserDirectory,
  ) {}

  @Delete(':username/personal-data')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      "Erase a user's personal data (that user or an admin): their email becomes unreadable everywhere",
    description: 'Error codes: UNAUTHENTICATED, FORBIDDEN, USER_NOT_FOUND.',
  })
  async erase(@CurrentActor() actor: Actor, @Param('username') username: string): Promise<void> {
    const caller = await this.users.current(requireUser(actor));
    const userId = /^[A-Za-z0-9_.-]{1,64}$/.test(username)
      ? await this.users.idByUsername(username)
      : null;
    if (!userId) throw userNotFound(username);
    await this.eraser.eraseUser(userId, {
      kind: 'user',
      userId: caller.userId,
      username: caller.username,
      level: caller.level,
    });
  }
}
