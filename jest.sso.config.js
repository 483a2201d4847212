/** @type {import('jest').Config} SSO as a person uses it: headless Chromium through oauth2-proxy to Jaeger. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test/sso"],
    testMatch: ["**/*.test.ts"],
    transform: { "^.+\\.ts$": "ts-jest" },
    // playwright-core and oidc-provider live in sso/ (npm ci --prefix sso).
    modulePaths: ["<rootDir>/sso/node_modules"],
    testTimeout: 120000,
    maxWorkers: 1,
    reporters: ["default", ["<rootDir>/test/support/summary-reporter.js", { label: "sso" }]],
};
