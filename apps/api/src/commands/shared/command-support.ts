/**
 * What several command handlers share: turning the HTTP actor into the domain's, sealing an
 * anonymous poster's email, and the rate limits of posting and voting.
 */
import { Inject, Injectable } from '@nestjs/common';
import { PersonalDataVault } from '@qa/common';
import { validationFailed, type Actor as DomainActor, type Sealed } from '@qa/domain';
import type { Actor } from '../../auth/actor';
import { metadataFor, type CommandContext } from '../../command-bus/command-context';
import type { RateLimitPolicy } from '../../rate-limit/rate-limit.policy';
import { RateLimiter } from '../../rate-limit/rate-limiter';
import { RATE_LIMIT_POLICY } from './tokens';

/** The domain's actor; an anonymous poster brings the display name they typed. */
export function domainActor(actor: Actor, name?: string | null): DomainActor {
  if (actor.kind === 'user') {
    return { kind: 'user', userId: actor.userId, username: actor.username, level: actor.level };
  }
  return { kind: 'anonymous', name: name ?? null, ipHash: actor.ipHash };
}

@Injectable()
export class PostingSupport {
  constructor(
    @Inject(PersonalDataVault) private readonly vault: PersonalDataVault,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_POLICY) private readonly limits: RateLimitPolicy,
  ) {}

  /** Anonymous posting is limited per IP; registered users are not limited here. */
  async limitPosting(actor: Actor): Promise<void> {
    if (actor.kind === 'anonymous') {
      await this.limiter.consume([
        { rule: this.limits.anonymousPostsPerIp, subject: actor.ipHash },
      ]);
    }
  }

  async limitVoting(actor: Actor & { kind: 'user' }): Promise<void> {
    await this.limiter.consume([
      { rule: this.limits.votesPerUser, subject: actor.userId },
      { rule: this.limits.votesPerIp, subject: actor.ipHash },
    ]);
  }

  /**
   * An anonymous poster's notification address, sealed under its own subject. Registered
   * users' emails are refused by the decider; an address with notify off is not kept, so it
   * is not sealed either (sealing creates a key).
   */
  async sealAnonymousEmail(
    context: CommandContext,
    email: string | null | undefined,
    notify: boolean | undefined,
  ): Promise<Sealed | null> {
    if (!email || notify === false || context.actor.kind !== 'anonymous') return null;
    return this.vault.seal(this.vault.anonymousEmailSubject(email), email, metadataFor(context));
  }

  /** Registered users are notified at their account email; an address on a post is a mistake. */
  refuseEmailFromUser(actor: Actor, email: string | null | undefined): void {
    if (actor.kind === 'user' && email) {
      throw validationFailed([
        {
          field: 'email',
          message: 'Only anonymous posters give an email; you are notified at your account email.',
        },
      ]);
    }
  }
}
