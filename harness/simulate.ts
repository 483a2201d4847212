import * as pulumi from "@pulumi/pulumi";

/** A resource as the program registered it, with its inputs resolved. */
export interface SimulatedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** A read of an object that must already exist (`Resource.get`): its id; the update fails if it is missing. */
    readId?: string;
    /** The resource options the engine would act on, when set: paths whose changes it ignores, protection. */
    options?: { ignoreChanges?: string[]; protect?: boolean; retainOnDelete?: boolean };
}

/** Where a registration sits in the engine's graph: its URN, its parent's, and the URNs it waits for. */
export interface RegistrationGraph {
    urn: string;
    parent?: string;
    /** Explicit (`dependsOn`, a component's children included) and from inputs, as the engine gets them. */
    dependencies: string[];
}

/** The part of a RegisterResourceRequest the simulation reads (the mock monitor drops resource options). */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getIgnorechangesList(): string[];
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
}
type RegisterResource = (req: RegisterRequest, callback: (...args: unknown[]) => void) => unknown;
interface MockMonitor {
    registerResource: RegisterResource;
    /** The URN the mock monitor gives a registration. */
    newUrn(parent: string, type: string, name: string): string;
}

interface Recorded {
    options: Map<string, SimulatedResource["options"]>;
    graph: Map<string, RegistrationGraph>;
}

/** Records the options and graph of every registration, by `type::name`, on their way to the mock monitor. */
function recordRegistrations(): Recorded {
    const seen = new Map<string, SimulatedResource["options"]>();
    const graph = new Map<string, RegistrationGraph>();
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor | undefined;
    if (monitor === undefined) throw new Error("no mock monitor: call after setMocks");
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const parent = req.getParent();
        graph.set(`${req.getType()}::${req.getName()}`, {
            urn: monitor.newUrn(parent, req.getType(), req.getName()),
            ...(parent === "" ? {} : { parent }),
            dependencies: req.getDependenciesList(),
        });
        const ignoreChanges = req.getIgnorechangesList();
        const protect = req.getProtect() === true;
        const retainOnDelete = req.getRetainondelete() === true;
        if (ignoreChanges.length > 0 || protect || retainOnDelete) {
            seen.set(`${req.getType()}::${req.getName()}`, {
                ...(ignoreChanges.length > 0 ? { ignoreChanges } : {}),
                ...(protect ? { protect } : {}),
                ...(retainOnDelete ? { retainOnDelete } : {}),
            });
        }
        return register(req, callback);
    };
    return { options: seen, graph };
}

export interface Simulation {
    stack: string;
    resources: SimulatedResource[];
    /** Every registration (components too) by `type::name`: what the engine would wait for. */
    graph: Map<string, RegistrationGraph>;
    outputs: Record<string, unknown>;
}

/**
 * Secret inputs reach mocks wrapped in Pulumi's secret envelope; the report shows the (placeholder)
 * values as a provider would receive them.
 */
function revealSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(revealSecrets);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return revealSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revealSecrets(v)]));
}

/** Outputs a provider would compute: a random password's value, as long as asked for. */
function generatedOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    if (type !== "random:index/randomPassword:RandomPassword") return {};
    const length = typeof inputs.length === "number" ? inputs.length : 16;
    const placeholder = `mock${name.replace(/[^A-Za-z0-9]/g, "")}`;
    // A bcrypt hash has this shape: $2a$<cost>$<22 characters of salt><31 of hash>.
    return {
        result: placeholder.padEnd(length, "x").slice(0, length),
        bcryptHash: `$2a$10$${placeholder.padEnd(53, "x").slice(0, 53)}`,
    };
}

/**
 * Runs the real program (`index.ts`) under Pulumi mocks with the given stack configuration and
 * returns every resource it registered. `priorState` (by `type::name`) stands for what the engine
 * holds from an earlier deploy, where the program reads it back (fields whose changes it ignores). Pulumi's runtime state is per process: call this once per
 * process (jest gives each test file its own).
 */
export async function simulateProgram(
    stack: string,
    config: Record<string, string>,
    priorState: Record<string, Record<string, unknown>> = {},
): Promise<Simulation> {
    const resources: SimulatedResource[] = [];
    let recorded: Recorded = { options: new Map(), graph: new Map() };
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const inputs = revealSecrets(args.inputs) as Record<string, unknown>;
                // The mock monitor passes an empty id for a resource to create, the object's id for a read.
                const read = args.id !== undefined && args.id !== "";
                const key = `${args.type}::${args.name}`;
                const options = recorded.options.get(key);
                resources.push({
                    type: args.type,
                    name: args.name,
                    inputs,
                    ...(read ? { readId: args.id } : {}),
                    ...(options === undefined ? {} : { options }),
                });
                // A later deploy: the engine keeps the state of ignored changes, so outputs come from there.
                const prior = priorState[`${args.type}::${args.name}`] ?? {};
                const given = args.inputs as Record<string, unknown>;
                return {
                    id: read ? String(args.id) : `${args.name}-id`,
                    state: { ...given, ...generatedOutputs(args.type, args.name, given), ...prior },
                };
            },
            call(args) {
                return args.inputs as Record<string, unknown>;
            },
        },
        "tracing-platform",
        stack,
        false,
    );
    recorded = recordRegistrations();
    pulumi.runtime.setAllConfig(config);
    // The program validates config and registers resources on import.
    const program: Record<string, unknown> = await import("../index");
    // `export =` arrives as the module's default export through the ES import.
    const exported = program.default ?? program;
    const outputs = await new Promise<Record<string, unknown>>((resolve) =>
        pulumi.output(exported).apply((o) => resolve(o as Record<string, unknown>)),
    );
    await pulumi.runtime.disconnect();
    return { stack, resources, graph: recorded.graph, outputs };
}
