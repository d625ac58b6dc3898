/**
 * Level-dependent permissions are decided on the level `user-<id>` holds now, not the one
 * the token was issued with (see auth/actor.ts): one short read, only on commands where an
 * editor, expert or admin may act on someone else's things.
 */
import { Inject, Injectable } from '@nestjs/common';
import { requireUser, type Actor, type RegisteredActor } from '../../auth/actor';
import { UserDirectory } from '../../auth/user.directory';

@Injectable()
export class ActorLevels {
  constructor(@Inject(UserDirectory) private readonly users: UserDirectory) {}

  async current(actor: Actor): Promise<RegisteredActor> {
    return this.users.current(requireUser(actor));
  }
}
