/**
 * Turns a zod failure into the domain's VALIDATION_FAILED error, listing every bad field at
 * once (API.md: "every bad field listed"), so request DTOs, CLI arguments and job payloads
 * are validated the same way everywhere.
 */
import { validationFailed, type FieldError } from '@qa/domain';
import type { z } from 'zod';

/** `body.tags.2` style paths; the root itself is reported as `body`. */
export function fieldErrorsFrom(error: z.ZodError, root?: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => String(p));
    const field = [root, ...path].filter((p) => p !== undefined && p !== '').join('.');
    return { field: field || root || '(root)', message: issue.message };
  });
}

/** Parses `input` or throws `DomainError(validation, VALIDATION_FAILED)` naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailed(fieldErrorsFrom(result.error, root));
  return result.data;
}
