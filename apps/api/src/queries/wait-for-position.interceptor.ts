/**
 * `X-Wait-For-Position: <commit position>` on any GET: answer only once the read models
 * have processed that position, waiting up to 5 s, then 503 PROJECTION_BEHIND.
 */
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { DomainError, validationFailed } from '@qa/domain';
import type { FastifyRequest } from 'fastify';
import { from, switchMap, type Observable } from 'rxjs';
import { ProjectionProgress } from './projection-progress';

export const WAIT_FOR_POSITION_HEADER = 'x-wait-for-position';
export const WAIT_LIMIT_MS = 5000;

@Injectable()
export class WaitForPositionInterceptor implements NestInterceptor {
  constructor(@Inject(ProjectionProgress) private readonly progress: ProjectionProgress) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const raw = request.headers[WAIT_FOR_POSITION_HEADER];
    if (raw === undefined) return next.handle();
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!/^\d{1,20}$/.test(value.trim()) || BigInt(value.trim()) > 18446744073709551615n) {
      throw validationFailed([{ field: 'X-Wait-For-Position', message: 'must be a commit position (a decimal number)' }]);
    }
    return from(this.progress.waitFor(BigInt(value.trim()), WAIT_LIMIT_MS)).pipe(
      switchMap((reached) => {
        if (!reached) {
          throw new DomainError(
            'unavailable',
            'PROJECTION_BEHIND',
            `The read models have not reached position ${value.trim()} within ${WAIT_LIMIT_MS / 1000} s.`,
          );
        }
        return next.handle();
      }),
    );
  }
}
