/**
 * Runs the policy pack the way `pulumi preview --policy-pack policies` does, without the CLI: the
 * pack is started with @pulumi/pulumi's run-policy-pack (what the CLI's pulumi-analyzer-policy
 * runs: TypeScript through ts-node, policies/tsconfig.json, the PolicyPack's gRPC server), and this
 * client plays the engine over the Analyzer protocol: GetAnalyzerInfo, Configure (the config
 * reconciled as the CLI does: schema defaults, `all`, then each policy's entry), Analyze for each
 * resource and AnalyzeStack for the whole stack.
 */
import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { join } from "path";
import type { PolicyInput } from "../../policies/resource-view";
import { projectDir } from "./resources";

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";
const levelNames: Record<number, Level> = {
    [proto.EnforcementLevel.ADVISORY]: "advisory",
    [proto.EnforcementLevel.MANDATORY]: "mandatory",
    [proto.EnforcementLevel.DISABLED]: "disabled",
    [proto.EnforcementLevel.REMEDIATE]: "remediate",
};
const levelEnum = (l: Level): proto.EnforcementLevel =>
    Number(Object.entries(levelNames).find(([, v]) => v === l)?.[0]);

export interface PackPolicyInfo {
    name: string;
    description: string;
    enforcementLevel: Level;
    configSchema: Record<string, Record<string, unknown>> | null;
}

export interface PackDiagnostic {
    policy: string;
    enforcementLevel: Level;
    /** What the rule reported (the CLI shows it under the policy's description). */
    message: string;
    urn: string;
}

type Call<Req, Res> = (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown;
const unary = <Req, Res>(fn: Call<Req, Res>, req: Req): Promise<Res> =>
    new Promise((resolve, reject) => {
        fn(req, (err, res) => (err === null ? resolve(res) : reject(err)));
    });

export const urnOf = (stack: string, r: PolicyInput): string =>
    `urn:pulumi:${stack}::tracing-platform::${r.type}::${r.name}`;

function options(): proto.AnalyzerResourceOptions {
    const o = new proto.AnalyzerResourceOptions();
    o.setProtect(false);
    o.setIgnorechangesList([]);
    o.setAliasesList([]);
    o.setAdditionalsecretoutputsList([]);
    return o;
}

export class PolicyPackProcess {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: AnalyzerClient,
        private readonly stderr: () => string,
    ) {}

    /** Starts policies/ as the CLI would and connects to the port it prints. */
    static async start(timeoutMs = 60000): Promise<PolicyPackProcess> {
        const runner = join(projectDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
        const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
            cwd: join(projectDir, "policies"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(
                () => reject(new Error(`the policy pack printed no port within ${timeoutMs} ms: ${stderr}`)),
                timeoutMs,
            );
            child.stdout?.on("data", (d: Buffer) => {
                stdout += d.toString();
                const m = /^(\d+)\s*$/m.exec(stdout);
                if (m !== null) {
                    clearTimeout(timer);
                    resolve(Number(m[1]));
                }
            });
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`the policy pack exited with ${String(code)}: ${stderr}`));
            });
        });
        const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new PolicyPackProcess(child, client, () => stderr);
    }

    get errors(): string {
        return this.stderr();
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode !== null) return;
        await new Promise<void>((resolve) => {
            this.child.once("exit", () => resolve());
            this.child.kill("SIGTERM");
        });
    }

    async info(): Promise<{ name: string; policies: PackPolicyInfo[] }> {
        const res = await unary<Empty, proto.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
        return {
            name: res.getName(),
            policies: res.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: levelNames[p.getEnforcementlevel()],
                    configSchema:
                        schema === undefined
                            ? null
                            : (schema.getProperties()?.toJavaScript() as Record<string, Record<string, unknown>>),
                };
            }),
        };
    }

    /** An empty Configure: what the pack sees when the engine sends no settings at all. */
    async clearConfig(): Promise<void> {
        await unary<proto.ConfigureAnalyzerRequest, Empty>(
            this.client.configure.bind(this.client),
            new proto.ConfigureAnalyzerRequest(),
        );
    }

    /**
     * Sends the config the CLI would send for a `--policy-pack-config` file: every policy with its
     * level and its schema defaults, `all` applied, then each policy's own entry on top.
     */
    async configure(overrides: Record<string, unknown> = {}): Promise<void> {
        const { policies } = await this.info();
        const req = new proto.ConfigureAnalyzerRequest();
        const all = overrides.all;
        const allLevel = typeof all === "string" ? (all as Level) : undefined;
        for (const p of policies) {
            const props: Record<string, unknown> = Object.fromEntries(
                Object.entries(p.configSchema ?? {}).flatMap(([k, s]) => ("default" in s ? [[k, s.default]] : [])),
            );
            let level: Level = allLevel ?? p.enforcementLevel;
            const own = overrides[p.name];
            if (typeof own === "string") level = own as Level;
            else if (own !== undefined && own !== null && typeof own === "object") {
                const { enforcementLevel, ...settings } = own as Record<string, unknown>;
                if (typeof enforcementLevel === "string") level = enforcementLevel as Level;
                Object.assign(props, settings);
            }
            const config = new proto.PolicyConfig();
            config.setEnforcementlevel(levelEnum(level));
            config.setProperties(Struct.fromJavaScript(props as Record<string, never>));
            req.getPolicyconfigMap().set(p.name, config);
        }
        await unary<proto.ConfigureAnalyzerRequest, Empty>(this.client.configure.bind(this.client), req);
    }

    /** Analyze for every resource, then AnalyzeStack, as a preview does; every diagnostic. */
    async analyze(stack: string, resources: PolicyInput[]): Promise<PackDiagnostic[]> {
        const out: PackDiagnostic[] = [];
        // A resource policy's diagnostic carries no URN: the engine attaches the analyzed resource's.
        const collect = (res: proto.AnalyzeResponse, urn = ""): void => {
            for (const d of res.getDiagnosticsList()) {
                const [description, ...rest] = d.getMessage().split("\n");
                expectDescription(description, d.getDescription());
                out.push({
                    policy: d.getPolicyname(),
                    enforcementLevel: levelNames[d.getEnforcementlevel()],
                    message: rest.join("\n"),
                    urn: d.getUrn() || urn,
                });
            }
        };
        // The engine analyzes resources concurrently as it registers them.
        const perResource = await Promise.all(
            resources.map((r) => {
                const req = new proto.AnalyzeRequest();
                req.setType(r.type);
                req.setName(r.name);
                req.setUrn(urnOf(stack, r));
                req.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
                req.setOptions(options());
                return unary<proto.AnalyzeRequest, proto.AnalyzeResponse>(this.client.analyze.bind(this.client), req);
            }),
        );
        perResource.forEach((res, i) => collect(res, urnOf(stack, resources[i])));
        const stackReq = new proto.AnalyzeStackRequest();
        stackReq.setResourcesList(
            resources.map((r) => {
                const a = new proto.AnalyzerResource();
                a.setType(r.type);
                a.setName(r.name);
                a.setUrn(urnOf(stack, r));
                a.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
                a.setOptions(options());
                return a;
            }),
        );
        collect(
            await unary<proto.AnalyzeStackRequest, proto.AnalyzeResponse>(
                this.client.analyzeStack.bind(this.client),
                stackReq,
            ),
        );
        return out;
    }
}

function expectDescription(first: string, description: string): void {
    if (first !== description)
        throw new Error(`a diagnostic's message should start with the policy's description: ${first}`);
}
