// One jest run for pure specs (*.spec.ts) and socket-opening tests (*.int-spec.ts).
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);

// Compiled as the build and the require hook compile (scripts/swc-options.js).
const swc = ['@swc/jest', require('./scripts/swc-options.js')];

// Several dependencies (NestJS 12, jose, ...) ship ES modules only. Node 20 loads them with
// require(esm), but jest's CommonJS runtime cannot, so jest compiles them like our sources.
const fs = require('node:fs');
const path = require('node:path');
const esmOnly = (() => {
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  const visit = (name) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.push(name);
    } catch {
      // not a package
    }
  };
  for (const entry of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    if (entry.startsWith('@')) {
      for (const sub of fs.readdirSync(path.join(root, entry))) visit(`${entry}/${sub}`);
    } else if (!entry.startsWith('.')) {
      visit(entry);
    }
  }
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
})();

const common = {
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/.+\\.m?js$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      // testTimeout is a global option in jest 30; a project sets its own through a setup file.
      setupFilesAfterEnv: ['<rootDir>/test/integration.setup.ts'],
    },
  ],
};
