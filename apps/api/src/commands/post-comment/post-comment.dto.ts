import { z } from 'zod';
import { bodyField, posterFields } from '../shared/post-fields';
import { requestBody } from '../shared/request-schema';

export const postCommentFields = z.object({ body: bodyField, ...posterFields });

export const postCommentDto = requestBody(postCommentFields);
export type PostCommentDto = z.output<typeof postCommentFields>;
