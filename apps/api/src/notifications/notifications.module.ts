/**
 * The API side of notifications: the unsubscribe endpoints. RFC 8058 one-click requests
 * arrive as `application/x-www-form-urlencoded` (or multipart) with the body
 * `List-Unsubscribe=One-Click`; the token is in the URL, so the body only has to be accepted.
 */
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorCodes } from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import { MONGO_DB, RUNTIME } from '@qa/common';
import type { Runtime } from '@qa/config';
import { UnsubscribeStore } from '@qa/notifications';
import { UNSUBSCRIBE_SECRET, UnsubscribeController } from './unsubscribe.controller';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];
/** The one route that takes a form body; Nest registers every route on the root instance. */
const ONE_CLICK_ROUTE = '/api/v1/notifications/unsubscribe';

@Module({
  controllers: [UnsubscribeController],
  providers: [
    {
      provide: UnsubscribeStore,
      inject: [MONGO_DB],
      useFactory: (db: Db) => new UnsubscribeStore(db),
    },
    {
      provide: UNSUBSCRIBE_SECRET,
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => runtime.secrets.unsubscribeSecret,
    },
  ],
})
export class NotificationsModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.hasContentTypeParser) return;
    for (const type of FORM_TYPES) {
      if (fastify.hasContentTypeParser(type)) continue;
      // The body is read (bounded by the app's body limit) and kept as text; nothing uses it.
      // Every other route answers as if no form parser existed: 415, as JSON-only endpoints do.
      fastify.addContentTypeParser(type, { parseAs: 'string' }, (request, body, done) => {
        if (request.routeOptions.url === ONE_CLICK_ROUTE) done(null, body);
        else done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(type), undefined);
      });
    }
  }
}
