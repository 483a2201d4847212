/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test", "<rootDir>/policies"],
    testMatch: ["**/*.test.ts"],
    // The end-to-end, SSO and benchmark suites run real binaries and servers: npm run test:e2e / test:sso.
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/e2e/", "<rootDir>/test/sso/"],
    // Type-checking is `tsc --noEmit` in `npm test`; jest only transpiles.
    transform: { "^.+\\.ts$": "ts-jest" },
    testTimeout: 60000,
    reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
