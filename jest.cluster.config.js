/** @type {import('jest').Config} Everything both stacks deploy, applied to a real Kubernetes control plane on loopback (needs `npm run tools`). */
module.exports = {
    // As the e2e suites: one scratch directory, the reaper and teardown.
    ...require("./jest.e2e.config.js"),
    // One control plane at a time: each is an etcd, an API server and a controller manager on two cores.
    maxWorkers: 1,
    roots: ["<rootDir>/test/cluster"],
    // Checks for the Kubernetes binaries instead of the e2e ones.
    globalSetup: "<rootDir>/test/cluster/support/global-setup.ts",
    reporters: ["default", ["<rootDir>/test/support/summary-reporter.js", { label: "cluster" }]],
};
