/**
 * One voter's vote on one post. Registered users only; never on one's own post or a hidden
 * one (a post whose question is hidden counts as hidden). Casting the current value again
 * changes nothing, so a retried request is harmless.
 */
import { requireUser } from '../shared/actor';
import { Decider, fold } from '../shared/decider';
import { domainError, ErrorCodes } from '../shared/error-codes';
import { Id, VoteCast, VoteValue } from '../shared/events';
import { checkVoteValue, validateFields } from '../shared/validation';
import { VoteCommand } from './vote.commands';

export type VoteEvent = VoteCast;

export interface VoteState {
  /** The current value; 0 before any vote and after a withdrawal. */
  value: VoteValue;
  postId: Id | null;
  voterId: Id | null;
}

export const initialVoteState = (): VoteState => ({ value: 0, postId: null, voterId: null });

export function evolveVote(state: VoteState, event: VoteEvent): VoteState {
  if (event.type !== 'VoteCast') return state;
  return { value: event.data.value, postId: event.data.postId, voterId: event.data.voterId };
}

export function decideVote(command: VoteCommand, state: VoteState): VoteEvent[] {
  const { post, actor: rawActor, at } = command.data;
  const actor = requireUser(rawActor);
  const { value } = validateFields({ value: checkVoteValue(command.data.value) });
  if (!post.exists)
    throw domainError(
      post.type === 'question' ? ErrorCodes.QUESTION_NOT_FOUND : ErrorCodes.ANSWER_NOT_FOUND,
    );
  if (post.hidden || post.questionHidden) throw domainError(ErrorCodes.CANNOT_VOTE_HIDDEN_POST);
  if (post.authorId === actor.userId) throw domainError(ErrorCodes.CANNOT_VOTE_OWN_POST);
  if (value === state.value) return [];
  return [
    {
      type: 'VoteCast',
      data: {
        postId: post.id,
        postType: post.type,
        questionId: post.questionId,
        postAuthorId: post.authorId,
        voterId: actor.userId,
        value,
        previousValue: state.value,
        at,
      },
    },
  ];
}

export const voteDecider: Decider<VoteCommand, VoteEvent, VoteState> = {
  decide: decideVote,
  evolve: evolveVote,
  initialState: initialVoteState,
};

export const foldVote = (events: readonly VoteEvent[]) => fold(voteDecider, events);
