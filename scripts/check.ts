/**
 * The offline check: runs the program for a stack under Pulumi mocks (no cluster, no CLI) and says
 * what would be deployed. `npm run check -- --stack dev [--json]`.
 * Exit codes: 0 fine, 2 configuration error, 64 usage error.
 */
import { existsSync } from "fs";
import { join } from "path";
import { ConfigError } from "../stacks/config";
import { simulateProgram, SimulatedResource, Simulation } from "../stacks/simulate";
import { readStackFile } from "../stacks/stack-file";
import { summarize } from "./summary";

const projectDir = join(__dirname, "..");

function usage(message: string): never {
    process.stderr.write(`${message}\nusage: npm run check -- --stack NAME [--json]\n`);
    process.exit(64);
}

function parseArgs(argv: string[]): { stack: string; json: boolean } {
    let stack: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") json = true;
        else if (arg === "--stack" || arg === "-s") stack = argv[++i];
        else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
        else usage(`unknown argument: ${arg}`);
    }
    if (stack === undefined || stack === "") usage("--stack is required");
    return { stack, json };
}

export interface CheckReport {
    stack: string;
    resources: SimulatedResource[];
    violations: unknown[];
}

async function main(): Promise<void> {
    const { stack, json } = parseArgs(process.argv.slice(2));
    if (!existsSync(join(projectDir, `Pulumi.${stack}.yaml`))) usage(`no stack file Pulumi.${stack}.yaml in ${projectDir}`);
    let simulation: Simulation;
    try {
        simulation = await simulateProgram(stack, readStackFile(projectDir, stack));
    } catch (err) {
        if (err instanceof ConfigError) {
            process.stderr.write(`stack ${stack}: ${err.message}\n`);
            process.exit(2);
        }
        throw err;
    }
    const report: CheckReport = { stack, resources: simulation.resources, violations: [] };
    process.stdout.write(json ? `${JSON.stringify(report)}\n` : summarize(simulation));
}

main().catch((err: unknown) => {
    process.stderr.write(`check failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
});
