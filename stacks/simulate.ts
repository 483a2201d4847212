import * as pulumi from "@pulumi/pulumi";

/** A resource as the program registered it, with its inputs resolved. */
export interface SimulatedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

export interface Simulation {
    stack: string;
    resources: SimulatedResource[];
    outputs: Record<string, unknown>;
}

/**
 * Runs the real program (`index.ts`) under Pulumi mocks with the given stack configuration and
 * returns every resource it registered. Pulumi's runtime state is per process: call this once per
 * process (jest gives each test file its own).
 */
export async function simulateProgram(stack: string, config: Record<string, string>): Promise<Simulation> {
    const resources: SimulatedResource[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call(args) {
                return args.inputs;
            },
        },
        "tracing-platform",
        stack,
        false,
    );
    pulumi.runtime.setAllConfig(config);
    // The program validates config and registers resources on import.
    const program: Record<string, unknown> = await import("../index");
    // `export =` arrives as the module's default export through the ES import.
    const exported = program.default ?? program;
    const outputs = await new Promise<Record<string, unknown>>((resolve) =>
        pulumi.output(exported).apply((o) => resolve(o as Record<string, unknown>)),
    );
    await pulumi.runtime.disconnect();
    return { stack, resources, outputs };
}
