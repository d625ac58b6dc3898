import { checkTags, checkTitle } from '@qa/domain';
import { z } from 'zod';
import { bodyField, reasonField } from '../shared/post-fields';
import { checked, idField, requestBody } from '../shared/request-schema';

export const editQuestionFields = z.object({
  title: checked(z.string(), checkTitle).optional(),
  body: bodyField.optional(),
  tags: checked(z.array(z.string()).max(50), checkTags).optional(),
  categoryId: idField.nullable().optional().describe('null removes the category.'),
  reason: reasonField,
});

export const editQuestionDto = requestBody(editQuestionFields);
export type EditQuestionDto = z.output<typeof editQuestionFields>;
