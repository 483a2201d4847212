/** @type {import('jest').Config} Everything both stacks deploy, applied to a real Kubernetes control plane on loopback (needs `npm run tools`). */
module.exports = {
    // As the e2e suites: one scratch directory, the reaper and teardown, one suite at a time on two cores.
    ...require("./jest.e2e.config.js"),
    roots: ["<rootDir>/test/cluster"],
    // Checks for the Kubernetes binaries instead of the e2e ones.
    globalSetup: "<rootDir>/test/cluster/support/global-setup.ts",
    reporters: ["default", ["<rootDir>/test/support/summary-reporter.js", { label: "cluster" }]],
};
