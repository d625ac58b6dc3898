/**
 * The audit side of two read routes the queries module serves (API.md "Audit"):
 *
 * - `GET /api/v1/questions/:id?asOf=<time>` is answered here, from the event history, and
 *   never reaches the live read model;
 * - `GET /api/v1/posts/:id/revisions` gets each revision's `diff` from the one before.
 *
 * An interceptor rather than routes of its own, because one path cannot have two handlers:
 * the live page stays the queries module's, and the audit behaviour stays in this module.
 */
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import {
  QuestionStreamsIndexer,
  QuestionTimeTravel,
  withDiffs,
  type RevisionContent,
} from '@qa/audit';
import { DomainError, notFound, validationFailed } from '@qa/domain';
import { ReadModelLocator } from '@qa/read-models';
import { from, map, type Observable } from 'rxjs';

export const QUESTION_ROUTE = '/api/v1/questions/:id';
export const REVISIONS_ROUTE = '/api/v1/posts/:id/revisions';

/** How long a time-travel request waits for the stream index to catch up. */
const INDEX_WAIT_MS = 5000;

interface RouteRequest {
  method: string;
  routeOptions?: { url?: string };
  params: Record<string, string>;
  query: Record<string, unknown>;
}

/** `asOf` as a normalised ISO time, or a 400 naming the field. */
export function parseAsOf(raw: unknown): string {
  const text = Array.isArray(raw) ? raw[0] : raw;
  const ms =
    typeof text === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
      ? Date.parse(text)
      : NaN;
  if (Number.isNaN(ms))
    throw validationFailed([
      { field: 'asOf', message: 'Must be an ISO 8601 time, e.g. 2026-03-03T12:00:00Z.' },
    ]);
  return new Date(ms).toISOString();
}

@Injectable()
export class AuditQueriesInterceptor implements NestInterceptor {
  constructor(
    @Inject(QuestionTimeTravel) private readonly travel: QuestionTimeTravel,
    @Inject(QuestionStreamsIndexer) private readonly indexer: QuestionStreamsIndexer,
    @Inject(ReadModelLocator) private readonly locator: ReadModelLocator,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<RouteRequest>();
    const route = request.routeOptions?.url;
    if (request.method !== 'GET') return next.handle();
    if (route === QUESTION_ROUTE && request.query.asOf !== undefined) {
      return from(this.pageAt(request.params.id, parseAsOf(request.query.asOf)));
    }
    if (route === REVISIONS_ROUTE) {
      return next
        .handle()
        .pipe(map((body) => (Array.isArray(body) ? withDiffs(body as RevisionContent[]) : body)));
    }
    return next.handle();
  }

  private async pageAt(id: string, asOf: string) {
    if (!/^[a-z0-9]{1,64}$/.test(id))
      throw notFound('QUESTION_NOT_FOUND', `There is no question ${id}.`);
    if (!(await this.indexer.catchUp(INDEX_WAIT_MS))) {
      throw new DomainError(
        'unavailable',
        'PROJECTION_BEHIND',
        'The question history index is catching up; try again shortly.',
      );
    }
    const page = await this.travel.pageAt(id, asOf, await this.locator.store());
    if (!page) throw notFound('QUESTION_NOT_FOUND', `There was no question ${id} at ${asOf}.`);
    return page;
  }
}
