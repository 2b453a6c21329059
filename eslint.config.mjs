// ESLint for the whole repository (`pnpm lint`): typescript-eslint's recommended rules, plus the
// architecture's import boundaries as `no-restricted-imports` lists per folder. Core ESLint reads
// the import text as written, so each rule below is a plain list of what a folder may not import
// (no resolver, no plugin to configure); relative paths that climb into another package are caught
// by the `regex` pattern, which is how a cross-service import would be written.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SERVICES = ['ingest', 'preprocess', 'training', 'inference'];
const PACKAGES = ['common', 'normalise', 'model', 'local-cloud', 'test-kit', 'lambda-kit'];

const rule = (message, group, regex) => ({ message, ...(group ? { group } : {}), ...(regex ? { regex } : {}) });
const TFJS = rule('Only packages/model uses tfjs (the Lambdas and the normaliser must stay small).', ['@tensorflow/*']);
const CLIMB = rule(
  'Do not reach into another package or service by a relative path: import its package name (if the boundaries allow it).',
  undefined,
  `^(\\.\\./)+(services|packages|e2e|${[...SERVICES, ...PACKAGES].join('|')})/`,
);
const SERVICE_PACKAGES = rule(
  'Services meet only through S3 and events: never import another service, or the offline stand-in.',
  [...SERVICES.map((s) => `@digits/${s}`), '@digits/local-cloud'],
);
const TEST_KIT = rule('@digits/test-kit is for tests and scripts (a devDependency), never for shipped code.', [
  '@digits/test-kit',
]);
const DEEP = rule('Import a package by its name, never its files: what its index exports is its contract.', [
  '@digits/*/src',
  '@digits/*/src/**',
]);
const MODEL = rule('@digits/model is tfjs; use @digits/normalise for input handling.', ['@digits/model']);

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/.serverless/',
      '**/.esbuild/',
      '**/dist/',
      '.local/',
      'coverage/',
      'e2e/artifacts/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      // `_name` marks what a signature or a destructuring needs but the code does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true, caughtErrors: 'none' },
      ],
      // A variable a signal handler reads before it is assigned stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },

  // Import boundaries. A later block replaces the earlier rule for its files, so each lists all it needs.
  { files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'], rules: restrict(TFJS) },
  { files: ['packages/*/src/**'], rules: restrict(TFJS, CLIMB, TEST_KIT, DEEP) },
  { files: ['packages/*/test/**', 'packages/*/scripts/**'], rules: restrict(TFJS, CLIMB) },
  { files: ['packages/model/**'], rules: restrict(CLIMB) },
  { files: ['packages/model/src/**'], rules: restrict(CLIMB, TEST_KIT, DEEP) },
  {
    files: ['packages/common/**'],
    rules: restrict(
      TFJS,
      CLIMB,
      rule('packages/common imports nothing of ours: everything else builds on it.', ['@digits/*']),
    ),
  },
  { files: ['packages/normalise/src/**'], rules: restrict(TFJS, CLIMB, TEST_KIT, MODEL, DEEP) },
  { files: ['services/*/src/**'], rules: restrict(TFJS, CLIMB, SERVICE_PACKAGES, MODEL, TEST_KIT, DEEP) },
  { files: ['services/*/test/**', 'services/*/scripts/**'], rules: restrict(TFJS, CLIMB, SERVICE_PACKAGES, MODEL) },
);
