import { spawn } from "child_process";
import { existsSync, mkdtempSync, readdirSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { projectDir } from "../../support/resources";
import { crmApiJar, missingTools } from "../../../harness/tools";

/**
 * Before any e2e test: one scratch directory for the run (E2E_RUN_DIR, inherited by the tests) and a
 * check that what the tests run is installed, failing once with what to run instead of once per test.
 */
export default function globalSetup(): void {
    const problems: string[] = [];
    const tools = missingTools();
    if (tools.length > 0)
        problems.push(
            `missing upstream binaries (run npm run tools, and bash scripts/e2e-install.sh for the Java agent):\n${tools.map((t) => `    ${t}`).join("\n")}`,
        );
    if (!existsSync(crmApiJar))
        problems.push(`the Java CRM API is not built (${crmApiJar}): run bash scripts/e2e-install.sh`);
    const e2eModules = ["@opentelemetry/auto-instrumentations-node", "pg", "amqplib"].filter(
        (m) => !existsSync(join(projectDir, "e2e", "node_modules", m, "package.json")),
    );
    if (e2eModules.length > 0)
        problems.push(
            `the stand-ins' packages are not installed (${e2eModules.join(", ")}): run bash scripts/e2e-install.sh (or npm ci --prefix e2e)`,
        );
    if (!existsSync("/usr/lib/rabbitmq/bin/rabbitmq-server"))
        problems.push("RabbitMQ is not installed: run bash scripts/e2e-install.sh");
    if (!existsSync("/usr/bin/psql") || !hasInitdb())
        problems.push("PostgreSQL is not installed: run bash scripts/e2e-install.sh");
    if (problems.length > 0) {
        // The summary line CI reads, then the reason; jest stops here.
        process.stdout.write(`\ne2e: 0 passed, 1 failed\n`);
        throw new Error(`e2e prerequisites missing:\n  ${problems.join("\n  ")}`);
    }
    const runDir = mkdtempSync(join(tmpdir(), "tracing-e2e-"));
    process.env.E2E_RUN_DIR = runDir;
    // Outlives an interrupted jest (Ctrl-C, a CI timeout, a crash) and then stops what the run started.
    spawn(process.execPath, [join(__dirname, "reaper.js"), "watch", String(process.pid), runDir], {
        detached: true,
        stdio: "ignore",
    }).unref();
    process.stdout.write(`\ne2e logs and rendered configs: ${runDir}\n`);
}

/** Debian's PostgreSQL server binaries live in /usr/lib/postgresql/<major>/bin. */
function hasInitdb(): boolean {
    return (
        existsSync("/usr/lib/postgresql") &&
        readdirSync("/usr/lib/postgresql").some((v) => existsSync(join("/usr/lib/postgresql", v, "bin", "initdb")))
    );
}
