/** Query-string schemas of the read endpoints (API.md "Lists": page 1.., pageSize 1-100). */
import { QUESTION_SORTS } from '@qa/read-models';
import { z } from 'zod';

const page = z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').default(1);
const pageSize = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 100')
  .max(100, 'must be between 1 and 100')
  .default(20);

export const questionListQuery = z.object({
  sort: z.enum(QUESTION_SORTS, { message: `must be one of ${QUESTION_SORTS.join(', ')}` }).default('recent'),
  category: z.string().min(1).max(100).optional(),
  tag: z.string().min(1).max(40).optional(),
  page,
  pageSize,
});
export type QuestionListQueryDto = z.output<typeof questionListQuery>;

export const userListQuery = z.object({
  sort: z.enum(['points'], { message: 'must be points' }).default('points'),
  page,
  pageSize,
});
export type UserListQueryDto = z.output<typeof userListQuery>;
