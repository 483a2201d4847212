/**
 * The offline check: runs the program for a stack under Pulumi mocks (no cluster, no CLI), says
 * what would be deployed and runs the policy pack over it.
 * `npm run check -- --stack dev [--json] [--policy-config FILE] [--config-file FILE]`.
 * Exit codes: 0 fine, 1 a mandatory policy is violated, 2 configuration error, 64 usage error.
 */
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { PolicyConfigError, PolicyOverrides, reconcile } from "../policies/config";
import { evaluate, ReportedViolation } from "../policies/evaluate";
import { rules } from "../policies/rules";
import { ConfigError } from "../config/config";
import { simulateProgram, SimulatedResource, Simulation } from "../harness/simulate";
import { readStackFileAt, stackFilePath } from "../config/stack-file";
import { summarize } from "./summary";

const projectDir = join(__dirname, "..");

function usage(message: string): never {
    process.stderr.write(
        `${message}\nusage: npm run check -- --stack NAME [--json] [--policy-config FILE] [--config-file FILE]\n`,
    );
    process.exit(64);
}

function parseArgs(argv: string[]): { stack: string; json: boolean; policyConfig?: string; configFile?: string } {
    let stack: string | undefined;
    let json = false;
    let policyConfig: string | undefined;
    let configFile: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") json = true;
        else if (arg === "--policy-config") policyConfig = argv[++i];
        // As `pulumi --config-file`: the stack's settings from another file than Pulumi.<stack>.yaml.
        else if (arg === "--config-file") configFile = argv[++i];
        else if (arg === "--stack" || arg === "-s") stack = argv[++i];
        else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
        else usage(`unknown argument: ${arg}`);
    }
    if (stack === undefined || stack === "") usage("--stack is required");
    return { stack, json, policyConfig, configFile };
}

/**
 * The same file `pulumi preview --policy-pack-config` takes: { "<policy>": { "<setting>": value } }.
 * An unreadable file is a usage error (64); settings the pack rejects are a configuration error (2).
 */
function readPolicyConfig(path: string | undefined): PolicyOverrides {
    if (path === undefined) return {};
    let overrides: PolicyOverrides;
    try {
        overrides = JSON.parse(readFileSync(path, "utf8")) as PolicyOverrides;
    } catch (err) {
        usage(`cannot read the policy config ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
        reconcile(overrides, rules);
    } catch (err) {
        if (!(err instanceof PolicyConfigError)) throw err;
        process.stderr.write(`policy config ${path}:\n${err.problems.map((p) => `  ${p}\n`).join("")}`);
        process.exit(2);
    }
    return overrides;
}

function describeViolations(violations: ReportedViolation[]): string {
    if (violations.length === 0) return "policies: no violations\n";
    const lines = violations.map((v) => `  [${v.enforcementLevel}] ${v.policy}: ${v.message}`);
    return `policies: ${violations.length} violation(s)\n${lines.join("\n")}\n`;
}

export interface CheckReport {
    stack: string;
    resources: SimulatedResource[];
    violations: ReportedViolation[];
}

async function main(): Promise<void> {
    const { stack, json, policyConfig, configFile } = parseArgs(process.argv.slice(2));
    const overrides = readPolicyConfig(policyConfig);
    const file = configFile ?? stackFilePath(projectDir, stack);
    if (!existsSync(file)) usage(`no stack file ${file}`);
    let simulation: Simulation;
    try {
        simulation = await simulateProgram(stack, readStackFileAt(file));
    } catch (err) {
        if (err instanceof ConfigError) {
            process.stderr.write(`stack ${stack}: ${err.message}\n`);
            process.exit(2);
        }
        throw err;
    }
    // Reads of existing objects are not deployed by this program: the policies judge what it creates.
    const created = simulation.resources.filter((r) => r.readId === undefined);
    const violations = evaluate(
        created.map((r) => ({ type: r.type, name: r.name, props: r.inputs })),
        overrides,
    );
    const report: CheckReport = { stack, resources: simulation.resources, violations };
    process.stdout.write(
        json ? `${JSON.stringify(report)}\n` : `${summarize(simulation)}\n${describeViolations(violations)}`,
    );
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    if (mandatory.length > 0) {
        // Also on stderr, in both modes: what failed the run, where CI logs and `2>` redirects show it.
        const lines = mandatory.map((v) => `  ${v.policy}: ${v.message}\n`).join("");
        process.stderr.write(`stack ${stack}: ${mandatory.length} mandatory policy violation(s)\n${lines}`);
        process.exit(1);
    }
}

main().catch((err: unknown) => {
    process.stderr.write(`check failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
});
