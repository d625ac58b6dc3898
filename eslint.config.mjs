// Lint rules that protect the architecture (ARCHITECTURE.md, STYLE.md); formatting is
// Prettier's job. Not type-aware, so it stays fast on every commit.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const processEnv = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message:
    'Read configuration through loadConfig() from @qa/config; it is the only reader of process.env.',
};

const infrastructure = [
  '@nestjs/*',
  '@eventstore/*',
  'mongodb',
  'bullmq',
  'ioredis',
  'nodemailer',
  'smtp-server',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'child_process',
  'node:child_process',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Style, not correctness: reported, never blocking.
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/prefer-as-const': 'warn',
      'prefer-const': 'warn',
      'no-useless-assignment': 'warn',
      // Wire protocols use int64 sentinels (e.g. 2^63-1) that are compared, never computed.
      'no-loss-of-precision': 'warn',
      // Input validation rejects control characters on purpose.
      'no-control-regex': 'off',
      'no-restricted-syntax': ['error', processEnv],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: processEnv.message },
      ],
    },
  },
  {
    // The domain is pure: no framework, database, queue or I/O (STYLE.md 1).
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: infrastructure,
              message:
                'libs/domain is pure: time, ids and I/O arrive on the command; adapters live elsewhere.',
            },
          ],
        },
      ],
    },
  },
  {
    // The configuration library reads the environment; process entry points hand it over.
    files: ['libs/config/**/*.ts', 'apps/launcher/src/main.ts'],
    rules: { 'no-restricted-syntax': 'off', 'no-restricted-properties': 'off' },
  },
  {
    // Build scripts, CI glue, tests and their support code (`testing/` folders) set up
    // processes and their environments.
    files: [
      'scripts/**',
      'jest.config.js',
      'eslint.config.mjs',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      'test/**',
      '**/testing/**',
      'bench/**',
    ],
    rules: {
      'no-restricted-syntax': 'off',
      'no-restricted-properties': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
