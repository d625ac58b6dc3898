import { z } from 'zod';
import { bodyField, reasonField } from '../shared/post-fields';
import { requestBody } from '../shared/request-schema';

export const editAnswerFields = z.object({ body: bodyField, reason: reasonField });

export const editAnswerDto = requestBody(editAnswerFields);
export type EditAnswerDto = z.output<typeof editAnswerFields>;
