/**
 * Building blocks for the command DTOs. zod checks each field's JSON type, then the domain's
 * own check (libs/domain validation.ts) checks its content, so one 400 lists every bad field
 * and the edge accepts exactly what the deciders accept.
 */
import type { Check } from '@qa/domain';
import { z } from 'zod';

/** Deeper than any request needs (the deepest, a tag list, is 2); refused before parsing further. */
export const MAX_JSON_DEPTH = 8;

/** Nesting depth of a parsed JSON value, stopping as soon as it passes `limit`. */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node as object)) stack.push([child, level]);
  }
  return deepest;
}

/** A JSON object body: not too deeply nested, then the fields' own rules. */
export function requestBody<S extends z.ZodType>(schema: S) {
  return z.preprocess((value, ctx) => {
    if (jsonDepth(value) > MAX_JSON_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        message: `The body nests deeper than ${MAX_JSON_DEPTH} levels.`,
      });
      return z.NEVER;
    }
    return value;
  }, schema);
}

/** Adds a domain check's verdict to a zod type (only runs when the JSON type was right). */
export function checked<S extends z.ZodType>(
  schema: S,
  check: (value: z.output<S>) => Check<unknown>,
) {
  return schema.superRefine((value, ctx) => {
    const verdict = check(value);
    if (!verdict.ok) ctx.addIssue({ code: 'custom', message: verdict.message });
  });
}

/** Ids are [a-z0-9] (events.ts): anything else cannot name an entity, nor a stream. */
export const ID_PATTERN = /^[a-z0-9]{1,64}$/;
export const isId = (value: string) => ID_PATTERN.test(value);

export const idField = z.string().regex(ID_PATTERN, 'Must be an id (a-z, 0-9).');
