/** The one command on a vote stream (`vote-<postId>_<voterId>`). */
import { Actor } from '../shared/actor';
import { Command } from '../shared/decider';
import { Timestamp, VoteValue } from '../shared/events';
import { PostLookup } from '../shared/lookups';

export type CastVote = Command<
  'CastVote',
  {
    /** The voted post as the handler found it (its type and id name the stream). */
    post: PostLookup;
    /** 1 up, -1 down, 0 withdraws the vote. */
    value: VoteValue;
    actor: Actor;
    at: Timestamp;
  }
>;

export type VoteCommand = CastVote;
