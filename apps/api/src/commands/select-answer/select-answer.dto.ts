import { z } from 'zod';
import { idField, requestBody } from '../shared/request-schema';

export const selectAnswerFields = z.object({
  answerId: idField.nullable().describe('The best answer; null clears the selection.'),
});

export const selectAnswerDto = requestBody(selectAnswerFields);
export type SelectAnswerDto = z.output<typeof selectAnswerFields>;
