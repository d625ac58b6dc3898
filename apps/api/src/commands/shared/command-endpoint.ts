/** The OpenAPI and status decorations every command route shares. */
import { applyDecorators, HttpCode, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiZodBody } from '../../http/zod-validation.pipe';

export interface CommandEndpointOptions {
  summary: string;
  status: 200 | 201;
  response: Type;
  body?: z.ZodType;
  /** Error codes this route may answer with, for the document's description. */
  errors?: string[];
}

export function CommandEndpoint(options: CommandEndpointOptions) {
  return applyDecorators(
    HttpCode(options.status),
    ApiBearerAuth(),
    ApiOperation({
      summary: options.summary,
      description: options.errors?.length
        ? `Error codes: ${options.errors.join(', ')}.`
        : undefined,
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Repeating a request with the same key returns the same result and appends nothing.',
    }),
    ...(options.body ? [ApiZodBody(options.body)] : []),
    ApiResponse({ status: options.status, type: options.response }),
  );
}
