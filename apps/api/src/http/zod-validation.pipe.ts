/**
 * Request validation with zod: a schema per request DTO, every bad field listed in one
 * 400 VALIDATION_FAILED. `@ZodBody(schema)` validates the body, `@ZodQuery(schema)` the
 * query string; `@ApiZodBody(schema)` puts the same schema into the OpenAPI document.
 */
import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { parseOrThrow } from '@qa/common';
import { z } from 'zod';

export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly root?: string,
  ) {}

  transform(value: unknown): z.output<S> {
    return parseOrThrow(this.schema, value, this.root);
  }
}

/** Fastify leaves a missing JSON body undefined; validate it as an empty object. */
const bodyOrEmpty = (schema: z.ZodType) => z.preprocess((v) => (v === undefined ? {} : v), schema);

export const ZodBody = (schema: z.ZodType) => Body(new ZodValidationPipe(bodyOrEmpty(schema)));
export const ZodQuery = (schema: z.ZodType) => Query(new ZodValidationPipe(schema));
export const ZodParam = (name: string, schema: z.ZodType) =>
  Param(name, new ZodValidationPipe(schema, name));

/** The OpenAPI request body from the same zod schema the pipe enforces. */
export const ApiZodBody = (schema: z.ZodType, description?: string) =>
  ApiBody({
    description,
    schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >,
  });
