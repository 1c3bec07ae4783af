// One jest run, three projects. `unit` and `collector` run in-process; `integration` spawns the built services
// as real processes (jest's module registry would defeat require-in-the-middle auto-instrumentation in-process).
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/services/*/test/**/*.test.ts'],
    },
    { ...common, displayName: 'collector', testMatch: ['<rootDir>/collector/test/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // Each file starts its own processes on free ports; two workers keep the 2-core machines responsive.
      maxWorkers: 2,
      testTimeout: 60_000,
    },
  ],
};
