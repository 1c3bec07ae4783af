// One jest run, three projects. `unit` and `collector` run in-process; `integration` spawns the built services
// as real processes (jest's module registry would defeat require-in-the-middle auto-instrumentation in-process).
// Run it through `pnpm test` (or the `jest` script): some dependencies are ESM-only (typebox 1.x, cookie 2.x), which
// Node 24 require()s natively but jest's module registry loads only under --experimental-vm-modules.
const swc = ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Integration files start their own processes on free ports; two workers suit the 2-core machines.
  maxWorkers: 2,
  // Integration tests start processes and wait for batched exports; unit tests finish in milliseconds anyway.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/services/*/test/**/*.test.ts'],
    },
    // The collector distribution and its config, checked by the real binary (needs `pnpm pipeline:build`).
    { ...common, displayName: 'collector', testMatch: ['<rootDir>/collector/test/**/*.test.ts'] },
    // Compose file, Kubernetes manifests and the production bundles the images ship.
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    // The whole pipeline as real processes: services, our collector, three Jaegers (needs `pnpm pipeline:build`).
    { ...common, displayName: 'pipeline', testMatch: ['<rootDir>/test/pipeline/**/*.test.ts'] },
    // `pnpm bench --smoke`: the benchmark works and its output has the expected shape (not a timed test).
    { ...common, displayName: 'bench', testMatch: ['<rootDir>/test/bench/**/*.test.ts'] },
  ],
};
