import { checkRequiredReason } from '@qa/domain';
import { z } from 'zod';
import { checked, requestBody } from '../shared/request-schema';

export const closeQuestionFields = z.object({
  reason: checked(z.string(), checkRequiredReason).describe('Why it is closed, 1-300 characters.'),
});

export const closeQuestionDto = requestBody(closeQuestionFields);
export type CloseQuestionDto = z.output<typeof closeQuestionFields>;
