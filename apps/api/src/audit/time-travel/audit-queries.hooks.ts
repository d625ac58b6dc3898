/**
 * The audit side of two read routes the queries module serves (API.md "Audit"):
 *
 * - `GET /api/v1/questions/:id?asOf=<time>` is answered here, from the event history, and
 *   never reaches the live read model;
 * - `GET /api/v1/posts/:id/revisions` gets each revision's `diff` from the one before.
 *
 * Fastify hooks rather than routes of its own, because one path cannot have two handlers:
 * the live page stays the queries module's, and the audit behaviour stays in this module.
 * Hooks rather than a global Nest interceptor, because an interceptor puts an Observable
 * chain around every handler of the API, while these hooks cost every other request one
 * route check: `preHandler` answers `?asOf=` before the live page's handler (and its
 * `X-Wait-For-Position` guard) runs, `preSerialization` adds the diffs to the revisions.
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  QuestionStreamsIndexer,
  QuestionTimeTravel,
  withDiffs,
  type RevisionContent,
} from '@qa/audit';
import { DomainError, notFound, validationFailed } from '@qa/domain';
import { ReadModelLocator } from '@qa/read-models';
import type { FastifyInstance } from 'fastify';
import { sendProblem } from '../../http/problem-details.filter';

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
export class AuditQueriesHooks implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(QuestionTimeTravel) private readonly travel: QuestionTimeTravel,
    @Inject(QuestionStreamsIndexer) private readonly indexer: QuestionStreamsIndexer,
    @Inject(ReadModelLocator) private readonly locator: ReadModelLocator,
  ) {}

  // Before the server listens: Fastify binds hooks to the routes when it gets ready.
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('preHandler', (request, reply, done) => {
      const route = request as unknown as RouteRequest;
      if (
        route.method !== 'GET' ||
        route.routeOptions?.url !== QUESTION_ROUTE ||
        route.query.asOf === undefined
      ) {
        return done();
      }
      // answered here: the live page's handler never runs
      this.pageAt(route.params.id, route.query.asOf).then(
        (page) => void reply.send(page),
        (error: unknown) => sendProblem(error, request, reply),
      );
    });
    fastify.addHook('preSerialization', (request, _reply, payload, done) => {
      const route = request as unknown as RouteRequest;
      if (route.method === 'GET' && route.routeOptions?.url === REVISIONS_ROUTE && Array.isArray(payload)) {
        return done(null, withDiffs(payload as RevisionContent[]));
      }
      done(null, payload);
    });
  }

  private async pageAt(id: string, rawAsOf: unknown) {
    const asOf = parseAsOf(rawAsOf);
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
