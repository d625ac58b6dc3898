import { z } from 'zod';
import { requestBody } from '../shared/request-schema';

export const createSessionFields = z.object({
  login: z.string().min(1, 'Give a username or an email.').max(254).describe('Username or email.'),
  password: z.string().min(1, 'Give the password.').max(1024),
});

export const createSessionDto = requestBody(createSessionFields);
export type CreateSessionDto = z.output<typeof createSessionFields>;
