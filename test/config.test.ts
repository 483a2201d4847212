import { ConfigError, parseStackConfig } from "../stacks/config";
import { readStackFile } from "../stacks/stack-file";
import { requiredConfig } from "./support/minimal-config";
import { projectDir } from "./support/resources";

/** The problems of a config made of the required keys plus `raw`. */
function problems(raw: Record<string, string>): string[] {
    try {
        parseStackConfig({ ...requiredConfig, ...raw });
    } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
    }
    throw new Error("expected a ConfigError");
}

describe("stack configuration", () => {
    it("fills every default from an empty stack", () => {
        const config = parseStackConfig(requiredConfig);
        expect(config.namespace).toBe("tracing");
        expect(config.orderIdHeader).toBe("x-order-id");
        expect(config.sampling).toEqual({ percent: 100, keepErrors: true, slowTraceMs: 2000, headPercent: 100, decisionWaitSeconds: 10 });
        expect(config.pii.masks.map((m) => m.name)).toEqual(["email", "phone", "card"]);
        expect(config.tls).toEqual({ installCertManager: true });
    });

    it("parses both committed stack files", () => {
        const dev = parseStackConfig(readStackFile(projectDir, "dev"));
        const prod = parseStackConfig(readStackFile(projectDir, "prod"));
        expect([dev.retentionDays, prod.retentionDays]).toEqual([3, 14]);
        for (const config of [dev, prod]) {
            expect(config.workloads.map((w) => w.name)).toEqual(["shop-api", "crm-api", "mes-api"]);
        }
        expect(prod.sampling.percent).toBeLessThan(dev.sampling.percent);
        expect(prod.tls.clusterIssuer).toBe("corporate-ca");
        expect(prod.pii.summary).toBe("silent");
    });

    it("names the key, the bad value and what is allowed", () => {
        expect(problems({ "tracing:retentionDays": "400" })).toEqual(["tracing:retentionDays must be an integer from 1 to 90, got 400"]);
        expect(problems({ "tracing:retentionDays": "2.5" })).toEqual(["tracing:retentionDays must be an integer from 1 to 90, got 2.5"]);
        expect(problems({ "tracing:retentionDays": "two weeks" })).toEqual([
            'tracing:retentionDays must be an integer from 1 to 90, got "two weeks"',
        ]);
    });

    it.each([
        ["tracing:namespace", "Tracing_NS", "tracing:namespace must be a DNS-1123 label"],
        ["tracing:sampling", '{"percent": 150}', "tracing:sampling.percent must be a number from 0 to 100, got 150"],
        ["tracing:sampling", '{"slowTraceMs": 0}', "tracing:sampling.slowTraceMs must be an integer from 1 to 600000, got 0"],
        ["tracing:sampling", '{"keepErrors": "yes"}', 'tracing:sampling.keepErrors must be true or false, got "yes"'],
        ["tracing:orderIdHeader", "X-Order-Id", 'tracing:orderIdHeader must be a lower-case HTTP header name such as x-order-id, got "X-Order-Id"'],
        [
            "tracing:workloads",
            '[{"name":"mes-api","namespace":"mes","language":"cobol"}]',
            'tracing:workloads[0].language must be one of java, nodejs, python, dotnet, go, got "cobol"',
        ],
        ["tracing:workloads", '[{"name":"mes-api","namespace":"mes","language":"go"}]', "tracing:workloads[0].goTargetExecutable must be the absolute path"],
        [
            "tracing:workloads",
            '[{"name":"a","namespace":"x","language":"java"},{"name":"a","namespace":"x","language":"java"}]',
            "tracing:workloads must be a list without duplicate namespace/name pairs",
        ],
        ["tracing:pii", '{"masks": []}', "tracing:pii.masks must be a non-empty list of masks"],
        ["tracing:pii", '{"masks": [{"name":"x","pattern":"(a"}]}', "tracing:pii.masks[0].pattern must be a valid regular expression"],
        ["tracing:pii", '{"masks": [{"name":"x","pattern":"(?!a)b"}]}', "tracing:pii.masks[0].pattern must be an RE2 regular expression"],
        ["tracing:collector", '{"gateway": {"replicas": 0}}', "tracing:collector.gateway.replicas must be an integer from 1 to 20, got 0"],
        ["tracing:collector", '{"agent": {"cpu": "lots"}}', 'tracing:collector.agent.cpu must be a Kubernetes quantity such as 500m, 256Mi or 1Gi, got "lots"'],
        ["tracing:operator", '{"webhookFailurePolicy": "Maybe"}', 'tracing:operator.webhookFailurePolicy must be Fail or Ignore, got "Maybe"'],
    ])("rejects %s=%s", (key, value, message) => {
        const found = problems({ [key]: value });
        expect(found).toHaveLength(1);
        expect(found[0]).toContain(message);
    });

    it("rejects unknown keys instead of dropping them", () => {
        expect(problems({ "tracing:retentionDay": "3" })[0]).toMatch(/^tracing:retentionDay is not a known key \(known keys: namespace, retentionDays/);
        expect(problems({ "tracing:sampling": '{"percentage": 10}' })).toEqual(["tracing:sampling.percentage is not a known setting of tracing:sampling"]);
    });

    it("reports every bad key at once and leaves other namespaces alone", () => {
        const found = problems({ "tracing:retentionDays": "0", "tracing:namespace": "-x", "kubernetes:context": "kind-dev" });
        expect(found.map((p) => p.split(" ")[0]).sort()).toEqual(["tracing:namespace", "tracing:retentionDays"]);
    });

    it("accepts numbers for Kubernetes quantities, as YAML writes them", () => {
        expect(parseStackConfig({ ...requiredConfig, "tracing:collector": '{"gateway": {"cpu": 2}}' }).collector.gateway.cpu).toBe("2");
    });
});
