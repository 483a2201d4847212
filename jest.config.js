/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test", "<rootDir>/policies"],
    testMatch: ["**/*.test.ts"],
    // The end-to-end, SSO, cluster and benchmark suites run real binaries and servers: npm run test:e2e / test:sso / test:cluster.
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/", "<rootDir>/test/sso/", "<rootDir>/test/cluster/"],
    // Type-checking is `tsc --noEmit` in `npm test`; jest only transpiles.
    transform: { "^.+\\.ts$": "ts-jest" },
    testTimeout: 60000,
    // Jest's default is one worker fewer than the cores: one on 2 cores. The stack simulations and
    // policy runs wait on child processes, so two workers take 90 s where one took 135 s.
    maxWorkers: 2,
    reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
