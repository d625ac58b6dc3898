import { checkVoteValue } from '@qa/domain';
import { z } from 'zod';
import { checked, requestBody } from '../shared/request-schema';

export const castVoteFields = z.object({
  value: checked(z.number(), checkVoteValue).describe('1 up, -1 down, 0 withdraws the vote.'),
});

export const castVoteDto = requestBody(castVoteFields);
export type CastVoteDto = z.output<typeof castVoteFields>;
