import { execFileSync } from "child_process";
import { join } from "path";
import type { SimulatedResource } from "./simulate";

/**
 * What the tests and the benchmarks share to drive the program and the real binaries: this folder
 * sits above the program (it runs index.ts under Pulumi mocks), and nothing deployed imports it.
 */
export const projectDir = join(__dirname, "..");

/**
 * The simulation of a committed stack with some keys changed (a variant or a day-2 change), in a
 * process of its own: the program runs once per process under Pulumi mocks.
 */
export function simulateVariant(
    stack: string,
    overrides: Record<string, string>,
    priorState?: Record<string, Record<string, unknown>>,
): SimulatedResource[] {
    const out = execFileSync(
        process.execPath,
        [
            "-r",
            "ts-node/register/transpile-only",
            join(__dirname, "simulate-variant.ts"),
            JSON.stringify({ stack, overrides, priorState }),
        ],
        {
            cwd: projectDir,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
            // A refused configuration is an expected outcome in some tests: its message is in the error.
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    return JSON.parse(out) as SimulatedResource[];
}
