// Lint rules. Workflow code, and the pure modules it runs, are replayed deterministically inside
// Temporal's sandbox, so they may not import Node built-ins, database or network clients, or the
// app's runtime modules. (Which modules workflow code may import is checked by npm run
// lint:imports, .dependency-cruiser.mjs.)
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'src/generated/', '.data/', 'dist/', 'web/dist/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'src/domain/**/*.ts', 'src/grading/contract.ts', 'src/grading/review-decision.ts', 'src/grading/search-attributes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows are deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['@prisma/*', 'prisma', '**/generated/prisma/**', '**/lib/prisma*'], message: 'Workflows never touch the database; use an activity.' },
            { group: ['ioredis', '**/lib/redis*'], message: 'Workflows never touch Redis; use an activity.' },
            { group: ['openai'], message: 'Workflows never call providers; use an activity.' },
            { group: ['pg', 'express', 'pino', 'pino-*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Not available inside the workflow sandbox.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
    },
  },
  {
    // The web console runs in the browser.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['scripts/**/*', 'src/embedded/**/*'],
    rules: { 'no-console': 'off' },
  },
);
