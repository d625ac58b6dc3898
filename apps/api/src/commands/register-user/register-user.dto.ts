import { checkEmail, checkPassword, checkUsername } from '@qa/domain';
import { z } from 'zod';
import { checked, requestBody } from '../shared/request-schema';

export const registerUserFields = z.object({
  username: checked(z.string(), checkUsername).describe(
    '3-30 of A-Z a-z 0-9 _ . - (unique, case-insensitively).',
  ),
  email: checked(z.string(), checkEmail).describe('Unique; never shown to anyone.'),
  password: checked(z.string(), checkPassword).describe('At least 8 characters.'),
});

export const registerUserDto = requestBody(registerUserFields);
export type RegisterUserDto = z.output<typeof registerUserFields>;
