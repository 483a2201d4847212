/** @type {import('jest').Config} The real upstream binaries on our rendered configs (needs `npm run tools` and `bash scripts/e2e-install.sh`). */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test/e2e"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": "ts-jest" },
    // One scratch directory per run and a prerequisites check; the teardown kills whatever a suite left running.
    globalSetup: "<rootDir>/test/e2e/support/global-setup.ts",
    globalTeardown: "<rootDir>/test/e2e/support/global-teardown.ts",
    testTimeout: 120000,
    // Two suites side by side: most of a suite's time is spent waiting (decision waits, flushes,
    // scrapes), not computing. Each worker draws its ports from its own range and writes to its own
    // directory (harness/processes.ts).
    maxWorkers: 2,
    reporters: ["default", ["<rootDir>/test/support/summary-reporter.js", { label: "e2e" }]],
};
