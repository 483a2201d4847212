/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test", "<rootDir>/policies"],
    testMatch: ["**/*.test.ts"],
    // Type-checking is `tsc --noEmit` in `npm test`; jest only transpiles.
    transform: { "^.+\\.ts$": "ts-jest" },
    testTimeout: 60000,
    reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
