/**
 * Require hook so TypeScript entry points (benchmarks, replay, audit, tests spawned as
 * children) run without a build: `node -r ./scripts/register.js bench/x.ts`.
 * It compiles each .ts file with SWC on load, with the build's options
 * (scripts/swc-options.js), and resolves the `@qa/<lib>` aliases from tsconfig.json to
 * libs/<lib>/src.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
const aliases = Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
  alias,
  path.join(root, target),
]);

const swcOptions = { ...require('./swc-options.js'), sourceMaps: 'inline' };

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, parent, ...rest) {
  for (const [alias, target] of aliases) {
    if (request === alias || request.startsWith(alias + '/')) {
      request = target + request.slice(alias.length);
      break;
    }
  }
  return originalResolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcOptions, filename });
  module._compile(code, filename);
};

// Stack traces point at the TypeScript lines.
process.setSourceMapsEnabled?.(true);
require('reflect-metadata');
