import { execFileSync } from "child_process";
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { join } from "path";

/**
 * After every e2e (and cluster) test run, passed or failed: kills whatever a suite left running (normally nothing: each
 * suite stops its own processes in afterAll), dismisses the reaper, and removes the bulky data
 * directories (PostgreSQL's cluster, RabbitMQ's database, the persistent queues). Logs, rendered
 * configs and the traces the tests looked at stay in the run directory.
 */
export default function globalTeardown(): void {
    const runDir = process.env.E2E_RUN_DIR;
    if (runDir === undefined || !existsSync(runDir)) return;
    const leftovers = execFileSync(process.execPath, [join(__dirname, "reaper.js"), "now", runDir], {
        encoding: "utf8",
        timeout: 30000,
    });
    writeFileSync(join(runDir, "done"), "");
    // On stderr: the summary reporter's line stays the last line of stdout.
    if (leftovers !== "") process.stderr.write(`e2e teardown killed what was still running: ${leftovers}\n`);
    // Each suite has a directory of its own under the run's (harness/processes.ts `runDir`).
    for (const suite of readdirSync(runDir).filter((e) => statSync(join(runDir, e)).isDirectory()))
        removeBulkyData(join(runDir, suite));
}

function removeBulkyData(dir: string): void {
    for (const entry of readdirSync(dir)) {
        if (entry.startsWith("pgdata-") || entry.endsWith("-queue"))
            rmSync(join(dir, entry), { recursive: true, force: true });
        // The cluster suite's control planes: their etcd stores (logs and certificates stay).
        if (entry.startsWith("cluster-") && statSync(join(dir, entry)).isDirectory())
            rmSync(join(dir, entry, "etcd"), { recursive: true, force: true });
    }
    rmSync(join(dir, "rabbitmq", "mnesia"), { recursive: true, force: true });
    rmSync(join(dir, "prometheus", "data"), { recursive: true, force: true });
}
