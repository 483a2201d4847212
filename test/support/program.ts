import { parseStackConfig } from "../../stacks/config";
import type { StackConfig } from "../../stacks/schema";
import { simulateProgram, Simulation } from "../../stacks/simulate";
import { readStackFile } from "../../stacks/stack-file";
import { projectDir } from "./resources";

export interface StackRun {
    config: StackConfig;
    sim: Simulation;
}

/** Runs the real program under mocks for a committed stack file (once per test file). */
export async function runStack(stack: string): Promise<StackRun> {
    const raw = readStackFile(projectDir, stack);
    return { config: parseStackConfig(raw), sim: await simulateProgram(stack, raw) };
}
