import { spawn } from "child_process";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { missingClusterTools } from "./cluster-tools";

/**
 * Before the cluster suites: the pinned Kubernetes binaries must be built (failing once, with what to
 * run), and one scratch directory holds every log, certificate and etcd store of the run.
 */
export default function globalSetup(): void {
    const missing = missingClusterTools();
    if (missing.length > 0) {
        process.stdout.write(`\ncluster: 0 passed, 1 failed\n`);
        throw new Error(
            `missing Kubernetes test binaries (run npm run tools):\n${missing.map((t) => `    ${t}`).join("\n")}`,
        );
    }
    const runDir = mkdtempSync(join(tmpdir(), "tracing-cluster-"));
    process.env.E2E_RUN_DIR = runDir;
    // Outlives an interrupted jest (Ctrl-C, a CI timeout, a crash) and then stops the control planes.
    spawn(
        process.execPath,
        [join(__dirname, "..", "..", "e2e", "support", "reaper.js"), "watch", String(process.pid), runDir],
        { detached: true, stdio: "ignore" },
    ).unref();
    process.stdout.write(`\ncluster logs, certificates and stores: ${runDir}\n`);
}
