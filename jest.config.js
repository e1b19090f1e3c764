/** @type {import('jest').Config} */
module.exports = {
  // jest's node environment, plus aws-cdk-lib's schema validation engine shared by a worker's files
  testEnvironment: '<rootDir>/test/helpers/environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/helpers/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/cleanup.ts'],
  // Type checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
    // ES-module-only packages bundled into the guardrail Lambda
    '/node_modules/@secretlint/.+\\.js$': '<rootDir>/test/helpers/esm-to-cjs.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@secretlint/)'],
  testTimeout: 120000,
  // Synth-heavy files are CPU-bound; the default (cores - 1) leaves one of two cores idle.
  maxWorkers: '100%',
  // Longest files first also on a fresh clone, where jest has no timings of its own (see the file).
  testSequencer: '<rootDir>/test/helpers/sequencer.js',
};
