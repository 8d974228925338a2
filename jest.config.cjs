'use strict';
const transform = { '^.+\\.(ts|mts)$': '<rootDir>/test/esbuild-jest-transform.cjs' };
const common = {
  rootDir: __dirname,
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'mts', 'js', 'mjs', 'cjs', 'json'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
    },
  ],
};
