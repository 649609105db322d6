// Lint rules. The workflow sandbox rule: code under workflows/ must stay deterministic, so it may not import Node
// built-ins or any package that does I/O (mongoose, nodemailer, express, the Temporal client or worker).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbiddenInWorkflows = [
  'mongoose',
  'mongodb',
  'nodemailer',
  'express',
  'pino',
  'smtp-server',
  'mailparser',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];
const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'worker_threads',
  'dns',
  'tls',
  'zlib',
  'stream',
  'events',
  'util',
  'timers',
  'process',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      'tools/**',
      'web/dist/**',
      'coverage/**',
      'jest.config.js',
      'jest.unit.config.js',
      '.stryker-tmp/**',
      'reports/**',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // No type-aware rules here: the one the project uses, floating promises, runs in the type check on the programs it
    // builds anyway (scripts/typecheck.ts), so ESLint does not build them a second time.
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...forbiddenInWorkflows, ...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Workflow code runs in the deterministic sandbox: no I/O. Put it in an activity.',
          })),
          patterns: [
            {
              group: ['../activities/*', '../models/*', '../api/*'],
              allowTypeImports: true,
              message: 'Workflows import activity and model types only (import type).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The worker's preload (`node --require`, before the TypeScript loader): plain CommonJS.
    files: ['workers/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { process: 'readonly', require: 'readonly', globalThis: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
