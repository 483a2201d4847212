import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { CheckReport } from "../../scripts/check";
import { find, obj, runCheck } from "../support/resources";
import { tools } from "./support/tools";

const work = mkdtempSync(join(tmpdir(), "tracing-validate-"));

interface Run {
    status: number | null;
    output: string;
}

function run(binary: string, args: string[], env: Record<string, string> = {}): Run {
    const r = spawnSync(binary, args, { encoding: "utf8", timeout: 60000, env: { PATH: process.env.PATH ?? "", HOME: work, ...env } });
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

// The gateway's queue lives on a volume at /var/lib/otelcol/queue in the pod; here a temp directory
// stands in for it (the one adaptation: there is no volume on this machine).
const localQueue = (yaml: string): string => yaml.replace(/\/var\/lib\/otelcol\/queue/g, join(work, "queue"));
const podEnv = { MY_POD_IP: "127.0.0.1", K8S_NODE_NAME: "node-1", ES_USERNAME: "elastic", ES_PASSWORD: "placeholder" };

const validateCollector = (path: string): Run => run(tools.otelcol(), ["validate", `--config=file:${path}`], podEnv);
const validateJaeger = (path: string): Run => run(tools.jaeger(), ["validate", `--config=${path}`], podEnv);
const oauth2ProxyConfigTest = (args: string[], cookieSecret = "0123456789abcdef0123456789abcdef"): Run =>
    run(tools.oauth2Proxy(), ["--config-test", ...args], { OAUTH2_PROXY_CLIENT_SECRET: "client-secret", OAUTH2_PROXY_COOKIE_SECRET: cookieSecret });

describe.each(["dev", "prod"])("stack %s: the real binaries accept what we render", (stack) => {
    let report: CheckReport;
    beforeAll(() => {
        const check = runCheck(["--stack", stack, "--json"]);
        expect(check.status).toBe(0);
        report = JSON.parse(check.stdout) as CheckReport;
    });

    it.each(["otel-agent", "otel-gateway"])("otelcol validate accepts the %s config", (name) => {
        const result = validateCollector(write(`${stack}-${name}.yaml`, localQueue(configYaml(report, name))));
        expect(result.output).not.toMatch(/error/i);
        expect(result.status).toBe(0);
    });

    it("jaeger validate accepts every Jaeger config", () => {
        const names = stack === "dev" ? ["jaeger"] : ["jaeger-collector", "jaeger-query"];
        for (const name of names) {
            const result = validateJaeger(write(`${stack}-${name}.yaml`, configYaml(report, name)));
            expect({ name, status: result.status }).toEqual({ name, status: 0 });
        }
    });

    it("oauth2-proxy --config-test accepts the rendered flags", () => {
        const deployment = find(report.resources, "kubernetes:apps/v1:Deployment", "oauth2-proxy");
        const container = (obj(obj(obj(deployment.inputs.spec).template).spec).containers as { args: string[] }[])[0];
        const result = oauth2ProxyConfigTest(container.args);
        expect(result.output).toContain("configuration is valid");
        expect(result.status).toBe(0);
    });
});

describe("the checks can fail", () => {
    let report: CheckReport;
    beforeAll(() => {
        report = JSON.parse(runCheck(["--stack", "dev", "--json"]).stdout) as CheckReport;
    });

    it("otelcol rejects an unknown OTTL function", () => {
        const broken = localQueue(configYaml(report, "otel-agent")).replace("IsMatch(", "IsMatchy(");
        const result = validateCollector(write("broken-agent.yaml", broken));
        expect(result.status).not.toBe(0);
        expect(result.output).toContain('does not support the function "IsMatchy"');
    });

    it("otelcol rejects an exporter type that does not exist", () => {
        const broken = localQueue(configYaml(report, "otel-gateway")).replace(/otlp_grpc\/jaeger/g, "otlp_grpcx/jaeger");
        expect(validateCollector(write("broken-gateway.yaml", broken)).status).not.toBe(0);
    });

    it("jaeger rejects an unknown storage key", () => {
        const broken = configYaml(report, "jaeger").replace("create_mappings:", "create_mapping:");
        const result = validateJaeger(write("broken-jaeger.yaml", broken));
        expect(result.status).not.toBe(0);
        expect(result.output).toContain("create_mapping");
    });

    it("oauth2-proxy rejects a cookie secret of the wrong length", () => {
        const result = oauth2ProxyConfigTest(["--provider=oidc", "--oidc-issuer-url=https://sso.example", "--client-id=x", "--email-domain=example.com", "--upstream=http://127.0.0.1:1"], "too-short");
        expect(result.status).not.toBe(0);
        expect(result.output).toMatch(/cookie_secret must be 16, 24, or 32 bytes/);
    });
});
