/** Request fields shared by everything that posts or edits a post. */
import { checkAnonymousName, checkBody, checkEmail, checkReason } from '@qa/domain';
import { z } from 'zod';
import { checked } from './request-schema';

export const bodyField = checked(z.string(), checkBody).describe(
  'Markdown source, 1-12,000 characters.',
);
export const reasonField = checked(z.string(), checkReason)
  .nullable()
  .optional()
  .describe('Why it was edited.');

/** Anonymous posters only: the name to show and where to send notifications. */
export const posterFields = {
  name: checked(z.string(), checkAnonymousName)
    .nullable()
    .optional()
    .describe('Anonymous posters: name to display.'),
  email: checked(z.string(), checkEmail)
    .nullable()
    .optional()
    .describe('Anonymous posters: used only to send notifications about replies.'),
  notify: z.boolean().optional().describe('Email me about replies (default true).'),
};
