/**
 * Building blocks for the command DTOs. zod checks each field's JSON type, then the domain's
 * own check (libs/domain validation.ts) checks its content, so one 400 lists every bad field
 * and the edge accepts exactly what the deciders accept.
 */
import type { Check } from '@qa/domain';
import { z } from 'zod';

/** Deeper than any request needs (the deepest, a tag list, is 2); refused before parsing further. */
export const MAX_JSON_DEPTH = 8;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Nesting depth of a parsed JSON value (stopping as soon as it passes `limit`) and the path
 * of the first string that is not well-formed UTF-16 (a lone surrogate: JSON allows it, but it
 * cannot be stored as UTF-8 unchanged, so what was validated would not be what is kept).
 */
export function inspectJson(
  value: unknown,
  limit = MAX_JSON_DEPTH,
): { depth: number; illFormed: string | null } {
  let deepest = 0;
  let illFormed: string | null = null;
  const stack: Array<[unknown, number, string]> = [[value, 0, '']];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (illFormed === null && LONE_SURROGATE.test(node)) illFormed = path || '(root)';
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return { depth: deepest, illFormed };
    for (const [key, child] of Object.entries(node as object)) {
      if (illFormed === null && LONE_SURROGATE.test(key)) illFormed = path || '(root)';
      stack.push([child, level, path ? `${path}.${key}` : key]);
    }
  }
  return { depth: deepest, illFormed };
}

export const jsonDepth = (value: unknown, limit = MAX_JSON_DEPTH) =>
  inspectJson(value, limit).depth;

/** A JSON object body: not too deeply nested, well-formed text, then the fields' own rules. */
export function requestBody<S extends z.ZodType>(schema: S) {
  return z.preprocess((value, ctx) => {
    const { depth, illFormed } = inspectJson(value);
    if (depth > MAX_JSON_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        message: `The body nests deeper than ${MAX_JSON_DEPTH} levels.`,
      });
      return z.NEVER;
    }
    if (illFormed !== null) {
      ctx.addIssue({
        code: 'custom',
        message: 'Contains an unpaired surrogate: not valid Unicode text.',
        path: illFormed === '(root)' ? [] : illFormed.split('.'),
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
