/** Every bad field is named once, by its path, in one VALIDATION_FAILED error. */
import { DomainError } from '@qa/domain';
import { z } from 'zod';
import { parseOrThrow } from './zod-validation';

const Question = z.object({
  title: z.string().min(10, 'must be at least 10 characters'),
  tags: z.array(z.string().max(5, 'must be at most 5 characters')),
  author: z.object({ name: z.string() }).optional(),
});

function failure(input: unknown, root?: string): DomainError {
  try {
    parseOrThrow(Question, input, root);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a validation failure');
}

describe('parseOrThrow', () => {
  it('returns the parsed value when it is valid', () => {
    expect(parseOrThrow(Question, { title: 'How do I whisk eggs?', tags: ['eggs'] })).toEqual({
      title: 'How do I whisk eggs?',
      tags: ['eggs'],
    });
  });

  it('names every bad field by its path', () => {
    const err = failure({ title: 'short', tags: ['ok', 'too long'], author: { name: 3 } });
    expect(err).toMatchObject({ kind: 'validation', code: 'VALIDATION_FAILED' });
    expect(err.errors).toEqual([
      { field: 'title', message: 'must be at least 10 characters' },
      { field: 'tags.1', message: 'must be at most 5 characters' },
      { field: 'author.name', message: expect.any(String) },
    ]);
  });

  it('prefixes paths with a root when given, and names the root for a bad whole value', () => {
    expect(failure({ title: 'short', tags: [] }, 'query').errors).toEqual([
      { field: 'query.title', message: 'must be at least 10 characters' },
    ]);
    expect(failure('not an object', 'body').errors).toEqual([
      { field: 'body', message: expect.any(String) },
    ]);
  });
});
