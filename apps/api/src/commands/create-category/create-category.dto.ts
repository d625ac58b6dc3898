import { checkCategoryDescription, checkCategoryName, checkSlug } from '@qa/domain';
import { z } from 'zod';
import { checked, idField, requestBody } from '../shared/request-schema';

export const createCategoryFields = z.object({
  name: checked(z.string(), checkCategoryName).describe('1-80 characters.'),
  slug: checked(z.string(), (slug) => checkSlug(slug, null))
    .nullable()
    .optional()
    .describe('a-z, 0-9 and -; derived from the name when absent.'),
  parentId: idField.nullable().optional().describe('The parent category; categories nest 4 deep.'),
  description: checked(z.string(), checkCategoryDescription).nullable().optional(),
});

export const createCategoryDto = requestBody(createCategoryFields);
export type CreateCategoryDto = z.output<typeof createCategoryFields>;
