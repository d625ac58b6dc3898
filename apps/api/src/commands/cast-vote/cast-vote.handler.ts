/**
 * Voting. Each voter has a short stream per post (`vote-<postId>_<voterId>`), so votes by
 * many people on one post never contend, and one person's two racing votes are serialised
 * by its revision. The hot path is one HMAC (the token), one Redis round trip (limits), the
 * post read and the vote stream read, and one append; argon2 is nowhere near it.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideVote, evolveVote, initialVoteState, streams, type VoteState } from '@qa/domain';
import { requireUser } from '../../auth/actor';
import { CommandRunner, StreamStateCache, type Fold } from '../../command-bus/command-runner';
import { domainActor, PostingSupport } from '../shared/command-support';
import { Lookups } from '../shared/lookups';
import { CastVoteCommand, type CastVoteResult } from './cast-vote.command';

const voteFold: Fold<VoteState> = {
  initialState: initialVoteState,
  evolve: (state, event) => evolveVote(state, event as Parameters<typeof evolveVote>[1]),
};

@CommandHandler(CastVoteCommand)
export class CastVoteHandler implements ICommandHandler<CastVoteCommand, CastVoteResult> {
  /** Vote streams this process wrote last: a voter changing their mind skips one read. */
  private readonly voteStates = new StreamStateCache(100_000);

  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(PostingSupport) private readonly posting: PostingSupport,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({ context, postType, postId, value }: CastVoteCommand): Promise<CastVoteResult> {
    const voter = requireUser(context.actor);
    // The limit check and the post lookup are independent: wait for both at once. A refused
    // request has then read a post it does not use, which changes nothing.
    const [, post] = await Promise.all([
      this.posting.limitVoting(voter),
      this.lookups.post(postType, postId),
    ]);
    const { position } = await this.runner.handle(
      streams.vote(postId, voter.userId),
      voteFold,
      (state) =>
        decideVote(
          { type: 'CastVote', data: { post, value, actor: domainActor(voter), at: context.at } },
          state,
        ),
      context,
      // A voter's first vote on a post is the common case: it needs no read at all.
      { cache: this.voteStates, fresh: true },
    );
    return { value, position };
  }
}
