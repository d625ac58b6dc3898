/**
 * The OpenAPI document at /api/v1/openapi.json and a browsable reference at /docs. Swagger UI
 * is served from the installed swagger-ui-dist files (no CDN: the product must work offline).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/docs';

export function buildOpenApiDocument(app: INestApplication, siteTitle: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`${siteTitle} API`)
    .setDescription(
      'Event-sourced community Q&A: questions, answers, comments, votes and points. ' +
        'Errors are RFC 9457 problem details with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

function swaggerUiDir(): string {
  const swaggerEntry = require.resolve('@nestjs/swagger');
  return path.dirname(require.resolve('swagger-ui-dist/package.json', { paths: [swaggerEntry] }));
}

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = (title: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title.replace(/[<>&"]/g, '')} API reference</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/swagger-ui-standalone-preset.js"></script>
<script src="${DOCS_PATH}/docs-initializer.js"></script>
</body>
</html>
`;

// A file rather than an inline script, so the Content-Security-Policy can forbid inline code.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

export function serveOpenApi(fastify: FastifyInstance, document: OpenAPIObject, siteTitle: string) {
  const dir = swaggerUiDir();
  const assets = new Map(
    Object.entries(ASSETS).map(([file, type]) => [
      file,
      { type, body: readFileSync(path.join(dir, file)) },
    ]),
  );
  const page = PAGE(siteTitle);
  const json = JSON.stringify(document);

  fastify.get(OPENAPI_PATH, (_req, reply) => {
    reply.type('application/json; charset=utf-8').send(json);
  });
  fastify.get(DOCS_PATH, (_req, reply) => {
    reply.type('text/html; charset=utf-8').send(page);
  });
  fastify.get(`${DOCS_PATH}/docs-initializer.js`, (_req, reply) => {
    reply.type('text/javascript; charset=utf-8').send(INITIALIZER);
  });
  for (const [file, asset] of assets) {
    fastify.get(`${DOCS_PATH}/${file}`, (_req, reply) => {
      reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(asset.body);
    });
  }
}
