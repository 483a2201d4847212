import { parseStackConfig } from "../../config/config";
import type { StackConfig } from "../../config/schema";
import { simulateProgram, Simulation } from "../../harness/simulate";
import { readStackFile } from "../../config/stack-file";
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
