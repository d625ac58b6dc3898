/** The one mapping from what was thrown to what the client sees (API.md "Errors"). */
import { HttpException, NotFoundException } from '@nestjs/common';
import { ConcurrencyError, DomainError, validationFailed } from '@qa/domain';
import { toProblem } from './problem-details';

describe('toProblem', () => {
  it.each([
    ['validation', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['rate_limited', 429],
    ['unavailable', 503],
  ] as const)('maps a %s domain error to %i with its own code', (kind, status) => {
    const { problem, unexpected } = toProblem(new DomainError(kind, 'SOME_CODE', 'What happened.'));
    expect(unexpected).toBe(false);
    expect(problem).toEqual({
      type: 'urn:problem:some-code',
      title: expect.any(String),
      status,
      detail: 'What happened.',
      code: 'SOME_CODE',
    });
  });

  it('lists every invalid field', () => {
    const errors = [
      { field: 'title', message: 'is required' },
      { field: 'tags.0', message: 'is too long' },
    ];
    const { problem } = toProblem(validationFailed(errors));
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors });
  });

  it('carries Retry-After for a rate-limited request', () => {
    const limited = Object.assign(new DomainError('rate_limited', 'RATE_LIMITED', 'Slow down.'), {
      retryAfterSeconds: 42,
    });
    expect(toProblem(limited).problem).toMatchObject({ status: 429, retryAfter: 42 });
  });

  it('reports a concurrent modification as 409', () => {
    const { problem } = toProblem(new ConcurrencyError('question-abc', '3', '4'));
    expect(problem).toMatchObject({ status: 409, code: 'CONCURRENT_MODIFICATION' });
  });

  it('maps Fastify errors Nest wraps, by their code', () => {
    const cause = Object.assign(new Error('Body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    const wrapped = new HttpException('Body is too large', 413, { cause });
    expect(toProblem(wrapped).problem).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers an unknown route with ROUTE_NOT_FOUND', () => {
    expect(toProblem(new NotFoundException('Cannot GET /x')).problem).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
    });
  });

  it('turns anything else into a 500 that says nothing about the cause', () => {
    const { problem, unexpected } = toProblem(
      new TypeError('cannot read x of undefined at db.ts:3'),
    );
    expect(unexpected).toBe(true);
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(problem)).not.toContain('db.ts');
  });
});
