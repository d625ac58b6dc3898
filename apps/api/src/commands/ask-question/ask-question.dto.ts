import { checkTags, checkTitle } from '@qa/domain';
import { z } from 'zod';
import { bodyField, posterFields } from '../shared/post-fields';
import { checked, idField, requestBody } from '../shared/request-schema';

export const askQuestionFields = z.object({
  title: checked(z.string(), checkTitle).describe('12-120 characters.'),
  body: bodyField,
  categoryId: idField.nullable().optional(),
  tags: checked(z.array(z.string()).max(50), checkTags)
    .optional()
    .describe('0-5 tags of a-z, 0-9, + # . -'),
  ...posterFields,
});

export const askQuestionDto = requestBody(askQuestionFields);
export type AskQuestionDto = z.output<typeof askQuestionFields>;
