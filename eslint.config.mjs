// Lint guards what tests cannot easily see: unawaited promises, and workflow determinism.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**', 'bench/results/**', '*.js', '*.mjs', 'scripts/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read configuration through src/config (loadConfig)' },
      ],
    },
  },
  {
    // Workflows are replayed: no I/O, no Node, no worker-side packages. Domain rules run inside them.
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'workflows and domain rules must stay deterministic: no Node built-ins' })),
          patterns: [
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'], message: 'not inside workflow code' },
            { group: ['typeorm', 'pg', '@nestjs/*', 'pino', 'pino-*', 'nestjs-pino'], message: 'I/O belongs in activities' },
            { group: ['**/activities', '**/activities/*'], message: 'import only the type of createActivities', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'use sleep()/condition() from @temporalio/workflow' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'not deterministic outside the SDK replacement' }],
    },
  },
  {
    // The workflow bundle carries an inert zod (src/worker/inert-zod.ts): a parse there would
    // validate nothing. Workflow validators use pure checks from src/domain instead.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read configuration through src/config (loadConfig)' },
        { selector: "CallExpression[callee.property.name=/^(safeParse|parse|parseAsync|safeParseAsync)$/][callee.object.name!='JSON'][callee.object.name!='Date']", message: 'no schema parsing in workflows: the bundle has no zod; use a pure check from src/domain' },
      ],
    },
  },
  {
    // Tests, scripts and config entry points may read the environment.
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'src/config/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off', '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
