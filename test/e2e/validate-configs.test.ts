import { spawnSync } from "child_process";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import type { CheckReport } from "../../scripts/check";
import { find, obj, runCheck } from "../support/resources";
import { mountConfigMaps, renderedContainer, withMountedFiles } from "./support/mounts";
import { runDir } from "../../harness/processes";
import { tools } from "../../harness/tools";

// The configs exactly as the ConfigMaps of `npm run check -- --stack <s> --json` hold them, written
// to the run directory (they are kept there for a look after a failure).
const work = join(runDir, "validate");
mkdirSync(work, { recursive: true });

interface Run {
    status: number | null;
    output: string;
}

function run(binary: string, args: string[], env: Record<string, string> = {}): Run {
    const r = spawnSync(binary, args, {
        encoding: "utf8",
        timeout: 60000,
        env: { PATH: process.env.PATH ?? "", HOME: work, ...env },
    });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

function write(name: string, text: string): string {
    const path = join(work, name);
    writeFileSync(path, text);
    return path;
}

function configYaml(report: CheckReport, configMap: string): string {
    return String(obj(find(report.resources, "kubernetes:core/v1:ConfigMap", configMap).inputs.data)["config.yaml"]);
}

// No adaptation at all: the gateway's file_storage directory (/var/lib/otelcol/queue, the replica's
// volume in the pod) does not exist here, but `validate` does not start extensions and the config
// says create_directory: true, so the rendered file is validated untouched. The variables the pods
// get from the downward API and Secrets are set to dummies.
const podEnv = { MY_POD_IP: "127.0.0.1", K8S_NODE_NAME: "node-1", ES_USERNAME: "elastic", ES_PASSWORD: "placeholder" };

const validateCollector = (path: string): Run => run(tools.otelcol(), ["validate", `--config=file:${path}`], podEnv);
const validateJaeger = (path: string): Run => run(tools.jaeger(), ["validate", `--config=${path}`], podEnv);
const oauth2ProxyConfigTest = (args: string[], cookieSecret = "0123456789abcdef0123456789abcdef"): Run =>
    run(tools.oauth2Proxy(), ["--config-test", ...args], {
        OAUTH2_PROXY_CLIENT_SECRET: "client-secret",
        OAUTH2_PROXY_COOKIE_SECRET: cookieSecret,
    });

describe.each(["dev", "prod"])("stack %s: the real binaries accept what we render", (stack) => {
    let report: CheckReport;
    beforeAll(() => {
        const check = runCheck(["--stack", stack, "--json"]);
        expect(check.status).toBe(0);
        report = JSON.parse(check.stdout) as CheckReport;
    });

    it.each(["otel-agent", "otel-gateway"])("otelcol validate accepts the %s config", (name) => {
        const result = validateCollector(write(`${stack}-${name}.yaml`, configYaml(report, name)));
        expect(result.output).not.toMatch(/error/i);
        expect(result.status).toBe(0);
    });

    it("jaeger validate accepts every Jaeger config", () => {
        // The all view's Jaeger in the stack's layout, and each team view's.
        const views = (stack === "dev" ? ["jaeger"] : ["jaeger-collector", "jaeger-query"]).concat(
            ["shop", "crm", "mes"].map((v) => `jaeger-${v}`),
        );
        const names = report.resources
            .filter((r) => r.type === "kubernetes:core/v1:ConfigMap")
            .filter((r) => {
                const config = obj(r.inputs.data)["config.yaml"];
                return typeof config === "string" && config.includes("jaeger_storage:");
            })
            .map((r) => String(obj(r.inputs.metadata).name));
        expect(names).toEqual(views);
        for (const name of names) {
            const result = validateJaeger(write(`${stack}-${name}.yaml`, configYaml(report, name)));
            const noError: unknown = expect.not.stringMatching(/error/i);
            expect({ name, status: result.status, output: result.output }).toEqual({
                name,
                status: 0,
                output: noError,
            });
        }
    });

    it.each(["oauth2-proxy", "oauth2-proxy-shop"])(
        "oauth2-proxy --config-test accepts the rendered flags of %s, with the IdP's CA mounted as the pod mounts it",
        (proxy) => {
            const container = renderedContainer(find(report.resources, "kubernetes:apps/v1:Deployment", proxy));
            // A CA bundle stands for the corporate one in each mounted ConfigMap item: only its location moves.
            const caFile = join(work, `${stack}-${proxy}-ca.crt`);
            spawnSync("openssl", [
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                `${caFile}.key`,
                "-out",
                caFile,
                "-days",
                "1",
                "-subj",
                "/CN=test corporate CA",
            ]);
            const ca = readFileSync(caFile, "utf8");
            const contents = Object.fromEntries(
                container.volumes.flatMap((v) => {
                    const cm = obj(v.configMap) as { name?: string; items?: { key: string }[] };
                    return cm.name === undefined
                        ? []
                        : [[cm.name, Object.fromEntries((cm.items ?? []).map((i) => [i.key, ca]))]];
                }),
            );
            const mounted = mountConfigMaps(container, join(work, `${stack}-${proxy}-mounts`), contents);
            const result = oauth2ProxyConfigTest(withMountedFiles(container.args, mounted));
            expect(result.output).toContain("configuration is valid");
            expect(result.status).toBe(0);
        },
    );
});

describe("the checks can fail", () => {
    let dev: CheckReport;
    let prod: CheckReport;
    beforeAll(() => {
        dev = JSON.parse(runCheck(["--stack", "dev", "--json"]).stdout) as CheckReport;
        prod = JSON.parse(runCheck(["--stack", "prod", "--json"]).stdout) as CheckReport;
    });

    it("otelcol rejects a pipeline naming a processor that is not defined", () => {
        const broken = configYaml(dev, "otel-gateway").replace(/^(\s+)- tail_sampling$/m, "$1- tail_sampling/typo");
        expect(broken).toContain("- tail_sampling/typo");
        const result = validateCollector(write("broken-gateway-processor.yaml", broken));
        expect(result.status).not.toBe(0);
        expect(result.output).toContain('references processor "tail_sampling/typo" which is not configured');
    });

    it("otelcol rejects a processor type that does not exist in our build", () => {
        const broken = configYaml(dev, "otel-agent").replace(/redaction\/pii/g, "redactor/pii");
        const result = validateCollector(write("broken-agent-type.yaml", broken));
        expect(result.status).not.toBe(0);
        expect(result.output).toMatch(/unknown type: "redactor"/);
    });

    it("otelcol rejects an unknown OTTL function", () => {
        const broken = configYaml(dev, "otel-agent").replace("IsMatch(", "IsMatchy(");
        const result = validateCollector(write("broken-agent-ottl.yaml", broken));
        expect(result.status).not.toBe(0);
        expect(result.output).toContain('undefined function "IsMatchy"');
    });

    it("otelcol rejects an exporter type that does not exist", () => {
        const broken = configYaml(dev, "otel-gateway").replace(/otlp_grpc\/jaeger/g, "otlp_grpcx/jaeger");
        expect(validateCollector(write("broken-gateway-exporter.yaml", broken)).status).not.toBe(0);
    });

    it("jaeger rejects an unknown storage key", () => {
        const broken = configYaml(dev, "jaeger").replace("create_mappings:", "create_mapping:");
        const result = validateJaeger(write("broken-jaeger.yaml", broken));
        expect(result.status).not.toBe(0);
        expect(result.output).toContain("create_mapping");
    });

    it("oauth2-proxy rejects the rendered prod flags with a 10-byte cookie secret", () => {
        const deployment = find(prod.resources, "kubernetes:apps/v1:Deployment", "oauth2-proxy");
        const container = (obj(obj(obj(deployment.inputs.spec).template).spec).containers as { args: string[] }[])[0];
        const result = oauth2ProxyConfigTest(container.args, "0123456789");
        expect(result.status).not.toBe(0);
        expect(result.output).toMatch(/cookie_secret must be 16, 24, or 32 bytes/);
    });
});
