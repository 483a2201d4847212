/** @type {import('jest').Config} The real upstream binaries on our rendered configs (needs `npm run tools`). */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test/e2e"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": "ts-jest" },
    testTimeout: 120000,
    maxWorkers: 1,
    reporters: ["default", ["<rootDir>/test/support/summary-reporter.js", { label: "e2e" }]],
};
