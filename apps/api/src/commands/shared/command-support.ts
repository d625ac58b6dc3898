/**
 * What several command handlers share: turning the HTTP actor into the domain's, sealing an
 * anonymous poster's email, and the rate limits of posting and voting.
 */
import { Inject, Injectable } from '@nestjs/common';
import { PersonalDataVault } from '@qa/common';
import {
  validationFailed,
  type Actor as DomainActor,
  type PosterInput,
  type Sealed,
} from '@qa/domain';
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

/** The poster fields of a posting request (see `posterFields`). */
export interface PosterRequest {
  name?: string | null;
  email?: string | null;
  notify?: boolean;
}

@Injectable()
export class PostingSupport {
  constructor(
    @Inject(PersonalDataVault) private readonly vault: PersonalDataVault,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(RATE_LIMIT_POLICY) private readonly limits: RateLimitPolicy,
  ) {}

  /**
   * What refuses a new question, answer or comment before anything is read: a registered
   * user giving an email, then an anonymous poster over the per-IP limit.
   */
  async admit(actor: Actor, request: PosterRequest): Promise<void> {
    this.refuseEmailFromUser(actor, request.email);
    await this.limitPosting(actor);
  }

  /**
   * The domain's poster input for a new post. `sealEmail` is false when the post is bound to
   * be refused (its parent is missing), so no key is created for an address never kept.
   */
  async poster(
    context: CommandContext,
    request: PosterRequest,
    sealEmail = true,
  ): Promise<PosterInput> {
    const email = sealEmail
      ? await this.sealAnonymousEmail(context, request.email, request.notify)
      : null;
    return { actor: domainActor(context.actor, request.name), email, notify: request.notify };
  }

  /** Anonymous posting is limited per IP; registered users are not limited here. */
  private async limitPosting(actor: Actor): Promise<void> {
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
  private async sealAnonymousEmail(
    context: CommandContext,
    email: string | null | undefined,
    notify: boolean | undefined,
  ): Promise<Sealed | null> {
    if (!email || notify === false || context.actor.kind !== 'anonymous') return null;
    return this.vault.seal(this.vault.anonymousEmailSubject(email), email, metadataFor(context));
  }

  /** Registered users are notified at their account email; an address on a post is a mistake. */
  private refuseEmailFromUser(actor: Actor, email: string | null | undefined): void {
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
