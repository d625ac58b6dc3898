/**
 * `X-Wait-For-Position: <commit position>` on any GET: answer only once the read models
 * have processed that position, waiting up to 5 s, then 503 PROJECTION_BEHIND.
 *
 * A guard rather than an interceptor: it only has to hold the request back (or refuse it)
 * before the handler runs, and a route without interceptors is answered without the
 * Observable chain Nest builds around a handler that has any.
 */
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DomainError, validationFailed } from '@qa/domain';
import type { FastifyRequest } from 'fastify';
import { ProjectionProgress } from './projection-progress';

export const WAIT_FOR_POSITION_HEADER = 'x-wait-for-position';
export const WAIT_LIMIT_MS = 5000;

@Injectable()
export class WaitForPositionGuard implements CanActivate {
  constructor(@Inject(ProjectionProgress) private readonly progress: ProjectionProgress) {}

  canActivate(context: ExecutionContext): true | Promise<true> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const raw = request.headers[WAIT_FOR_POSITION_HEADER];
    if (raw === undefined) return true;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!/^\d{1,20}$/.test(value.trim()) || BigInt(value.trim()) > 18446744073709551615n) {
      throw validationFailed([{ field: 'X-Wait-For-Position', message: 'must be a commit position (a decimal number)' }]);
    }
    return this.progress.waitFor(BigInt(value.trim()), WAIT_LIMIT_MS).then((reached) => {
      if (!reached) {
        throw new DomainError(
          'unavailable',
          'PROJECTION_BEHIND',
          `The read models have not reached position ${value.trim()} within ${WAIT_LIMIT_MS / 1000} s.`,
        );
      }
      return true as const;
    });
  }
}
