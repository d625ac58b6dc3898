import { checkLevel } from '@qa/domain';
import { z } from 'zod';
import { checked, requestBody } from '../shared/request-schema';

export const changeUserLevelFields = z.object({
  level: checked(z.number(), checkLevel).describe(
    'basic 0, approved 10, expert 20, editor 50, moderator 80, admin 100, super 120.',
  ),
});

export const changeUserLevelDto = requestBody(changeUserLevelFields);
export type ChangeUserLevelDto = z.output<typeof changeUserLevelFields>;
