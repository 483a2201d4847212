/**
 * Prints the simulation of a stack with some keys overridden (a day-2 change), as JSON: the program
 * runs once per process under Pulumi mocks, so a second configuration needs a process of its own.
 * node -r ts-node/register/transpile-only simulate-variant.ts '<{"stack": "dev", "overrides": {...}}>'
 */
import { readStackFile } from "../config/stack-file";
import { projectDir } from "./project";
import { simulateProgram } from "./simulate";

const { stack, overrides, priorState } = JSON.parse(process.argv[2] ?? "{}") as {
    stack: string;
    overrides: Record<string, string>;
    priorState?: Record<string, Record<string, unknown>>;
};
simulateProgram(stack, { ...readStackFile(projectDir, stack), ...overrides }, priorState)
    .then((sim) => process.stdout.write(JSON.stringify(sim.resources)))
    .catch((err: unknown) => {
        process.stderr.write(String(err instanceof Error ? (err.stack ?? err.message) : err));
        process.exit(1);
    });
