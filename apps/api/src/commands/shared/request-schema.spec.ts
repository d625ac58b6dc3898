import { checkTitle } from '@qa/domain';
import { z } from 'zod';
import { checked, jsonDepth, MAX_JSON_DEPTH, requestBody } from './request-schema';

const nest = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe('request schemas', () => {
  it('measures JSON nesting and stops early on very deep input', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(jsonDepth(nest(100_000))).toBe(MAX_JSON_DEPTH + 1);
  });

  const schema = requestBody(
    z.object({ title: checked(z.string(), checkTitle), extra: z.unknown().optional() }),
  );

  it('lists every bad field at once, type and content errors alike', () => {
    const result = schema.safeParse({ title: 'short' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['title']);
    const wrongType = schema.safeParse({ title: 12 });
    expect(wrongType.error!.issues[0].path).toEqual(['title']);
  });

  it('refuses unpaired surrogates in values and keys, naming the field', () => {
    const value = schema.safeParse({ title: 'A long enough title \ud800' });
    expect(value.error!.issues[0]).toMatchObject({
      path: ['title'],
      message: expect.stringMatching(/surrogate/),
    });
    expect(
      schema.safeParse({ title: 'A long enough title', extra: { ['k\udc00']: 1 } }).success,
    ).toBe(false);
    expect(schema.safeParse({ title: 'A long enough title 😀', extra: 'fine' }).success).toBe(true);
  });

  it('refuses deep nesting anywhere in the body', () => {
    const result = schema.safeParse({ title: 'A long enough title', extra: nest(20) });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toMatch(/nests deeper/);
  });
});
