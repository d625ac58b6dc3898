/**
 * Starts the HTTP API: NestJS on Fastify with problem details, request logging, security
 * headers, a body size limit, OpenAPI and /docs. `startApi` is the one way to start it
 * (the launcher, the production entry point and the tests all use it).
 */
import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Runtime, RunningApp } from '@qa/config';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';
import {
  fastifyLoggerOptions,
  PinoNestLogger,
  REQUEST_ID_HEADER,
  requestIdFor,
} from './http/logging';
import { buildOpenApiDocument, serveOpenApi } from './http/openapi';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { securityHeaders } from './http/security-headers';

export interface StartApiOptions {
  /** Extra modules mounted next to the features (tests add probe routes this way). */
  modules?: Array<Type | DynamicModule>;
  /** Pretty logs; default: when stdout is a terminal. */
  prettyLogs?: boolean;
}

export interface RunningApi extends RunningApp {
  url: string;
  port: number;
  app: NestFastifyApplication;
}

export async function startApi(
  runtime: Runtime,
  options: StartApiOptions = {},
): Promise<RunningApi> {
  const { http, logLevel } = runtime.config;
  const adapter = new FastifyAdapter({
    logger: fastifyLoggerOptions(logLevel, options.prettyLogs ?? Boolean(process.stdout.isTTY)),
    bodyLimit: http.bodyLimitBytes,
    genReqId: requestIdFor,
    routerOptions: { ignoreTrailingSlash: true },
    // Keep-alive sockets that sit idle are closed at shutdown; busy ones finish first.
    forceCloseConnections: 'idle',
    trustProxy: false,
  });
  const fastify = adapter.getInstance();
  // A JSON API: a plain-text body is an unsupported media type (415), not a string to validate.
  fastify.removeContentTypeParser('text/plain');
  const security = securityHeaders();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.headers(security);
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRuntime(runtime, options.modules),
    adapter,
    {
      logger: new PinoNestLogger(fastify.log),
      abortOnError: false,
      // Fastify's own JSON parser: typed errors (MALFORMED_JSON, 413) and no form bodies (415).
      bodyParser: false,
    },
  );
  app.useGlobalFilters(new ProblemDetailsFilter());
  serveOpenApi(
    fastify,
    buildOpenApiDocument(app, runtime.config.siteTitle),
    runtime.config.siteTitle,
  );

  await app.listen(http.port, http.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const host = http.host.includes(':') ? `[${http.host}]` : http.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  fastify.log.info({ url }, 'api listening');

  let stopping: Promise<void> | undefined;
  return {
    name: 'api',
    url,
    port,
    app,
    // Stops accepting connections, lets in-flight requests finish, then closes the clients.
    stop: () => (stopping ??= app.close()),
  };
}
