/**
 * The pure tests only (test/unit): no servers, no global set-up. Used by Stryker (`npm run mutate`, stryker.config.json)
 * and handy for a quick run: `npx jest -c jest.unit.config.js`.
 */
const base = require('./jest.config.js');

module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  roots: ['<rootDir>/test/unit'],
  testMatch: ['**/*.test.ts'],
  maxWorkers: 1,
};
