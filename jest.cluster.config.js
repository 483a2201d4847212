/** @type {import('jest').Config} Everything both stacks deploy, applied to a real Kubernetes control plane on loopback (needs `npm run tools`). */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test/cluster"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": "ts-jest" },
    // One scratch directory per run and a prerequisites check; the teardown kills whatever a suite left running.
    globalSetup: "<rootDir>/test/cluster/support/global-setup.ts",
    globalTeardown: "<rootDir>/test/e2e/support/global-teardown.ts",
    testTimeout: 120000,
    // Each suite runs a control plane; the machine has two cores: one at a time.
    maxWorkers: 1,
    reporters: ["default", ["<rootDir>/test/support/summary-reporter.js", { label: "cluster" }]],
};
