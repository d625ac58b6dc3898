/**
 * The one exception filter (STYLE.md 6): whatever was thrown becomes a problem details
 * response. Bad input never turns into a 500; a real bug does, without leaking internals,
 * and is logged with the request id so it can be found.
 */
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';

/** Answers `exception` as problem details (and logs it when it is a bug, not bad input). */
export function sendProblem(exception: unknown, request: FastifyRequest | undefined, reply: FastifyReply): void {
  const { problem, unexpected } = toProblem(exception);
  if (unexpected) {
    request?.log?.error({ err: exception }, 'unhandled error');
  }
  if (reply.sent) return;
  if (problem.retryAfter !== undefined) reply.header('retry-after', String(problem.retryAfter));
  const { retryAfter: _omit, ...body } = problem;
  reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
