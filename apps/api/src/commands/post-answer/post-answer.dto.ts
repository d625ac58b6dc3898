import { z } from 'zod';
import { bodyField, posterFields } from '../shared/post-fields';
import { requestBody } from '../shared/request-schema';

export const postAnswerFields = z.object({ body: bodyField, ...posterFields });

export const postAnswerDto = requestBody(postAnswerFields);
export type PostAnswerDto = z.output<typeof postAnswerFields>;
