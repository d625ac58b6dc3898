import { z } from 'zod';
import { bodyField, reasonField } from '../shared/post-fields';
import { requestBody } from '../shared/request-schema';

export const editCommentFields = z.object({ body: bodyField, reason: reasonField });

export const editCommentDto = requestBody(editCommentFields);
export type EditCommentDto = z.output<typeof editCommentFields>;
