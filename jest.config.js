/** One jest run for the whole monorepo; tests mirror each package's src/ under test/. */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// middy 6 ships ES modules only: let the transform turn them into CommonJS like our own code.
const transformIgnorePatterns = ['/node_modules/(?!(\\.pnpm/@middy\\+[^/]+/node_modules/)?@middy/)'];
// A hang guard, not a speed check: wasm start-up and property tests take seconds on a loaded 2-core
// machine, past jest's default 5 s. Tests that wait on servers set their own, longer timeouts.
const testTimeout = 30_000;
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns,
  setupFiles: ['<rootDir>/jest.setup.js'],
  testTimeout,
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,services}/*/test/**/*.test.ts', '<rootDir>/scripts/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,services}/*/test/**/*.int.test.ts', '<rootDir>/scripts/test/**/*.int.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      // Cross-service end-to-end tests live in e2e/, outside every package.
      testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
    },
  ],
};
