import { ConfigError, parseStackConfig } from "../config/config";
import { readStackFile } from "../config/stack-file";
import { exposureConfig, requiredConfig, ssoConfig } from "./support/minimal-config";
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
        expect(config.sampling).toEqual({
            percent: 100,
            keepErrors: true,
            slowTraceMs: 2000,
            headPercent: 100,
            decisionWaitSeconds: 10,
        });
        expect(config.pii.masks.map((m) => m.name)).toEqual(["url-credentials", "email", "phone", "card"]);
        expect(config.pii.clientAddress).toBe("truncate");
        expect(config.collector.agent.exportCompression).toBe("none");
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

    it("refuses a Secret the user must provide in a namespace the program has yet to create", () => {
        expect(problems({ "tracing:createNamespace": "true" })).toEqual([
            'tracing:sso.existingSecret must be a Secret in a namespace that exists before the first pulumi up, but tracing:createNamespace is true (this program creates namespace tracing): set tracing:createNamespace to false and create the namespace and tracing-sso-client first (README, "First deploy"), or use tracing:sso.clientSecret, got "tracing-sso-client"',
        ]);
        const ownSecret = JSON.stringify({
            ...ssoConfig,
            existingSecret: undefined,
            clientSecret: "from-pulumi-config",
        });
        expect(
            parseStackConfig({ ...requiredConfig, "tracing:createNamespace": "true", "tracing:sso": ownSecret })
                .createNamespace,
        ).toBe(true);
    });

    it("refuses installing cert-manager beside an existing ClusterIssuer (which needs the cert-manager already running)", () => {
        expect(problems({ "tracing:tls": '{"installCertManager": true, "clusterIssuer": "corporate-ca"}' })).toEqual([
            'tracing:tls.clusterIssuer must be unset while tracing:tls.installCertManager is true (an existing ClusterIssuer lives in the cert-manager already running, and installing a second one fails on its CRDs): set tracing:tls.installCertManager to false, or drop clusterIssuer to use the internal CA, got "corporate-ca"',
        ]);
        expect(
            parseStackConfig({
                ...requiredConfig,
                "tracing:tls": '{"installCertManager": false, "clusterIssuer": "corporate-ca"}',
            }).tls.clusterIssuer,
        ).toBe("corporate-ca");
    });

    it("requires the IdP's CA when the issuer is under a private domain, which no public CA signs", () => {
        const without = JSON.stringify({ ...ssoConfig, providerCa: undefined });
        expect(problems({ "tracing:sso": without })).toEqual([
            "tracing:sso.providerCa must be the ConfigMap with the CA that signed the IdP's certificate ({ configMap, key }): the issuer is under a private domain, which no public CA signs, and oauth2-proxy trusts public roots only, got nothing",
        ]);
        const publicIssuer = JSON.stringify({
            ...ssoConfig,
            providerCa: undefined,
            issuerUrl: "https://login.example.com/realms/corp",
        });
        expect(parseStackConfig({ ...requiredConfig, "tracing:sso": publicIssuer }).sso.providerCa).toBeUndefined();
        expect(parseStackConfig(requiredConfig).sso.providerCa).toEqual({
            configMap: "corporate-ca-bundle",
            key: "ca.crt",
        });
    });

    it("requires the API server's addresses for the agent's egress, and refuses everywhere", () => {
        expect(problems({ "tracing:network": "{}" })).toEqual([
            "tracing:network.apiServerRanges must be a non-empty list of IPv4 CIDRs, got nothing",
        ]);
        expect(problems({ "tracing:network": '{"apiServerRanges": ["0.0.0.0/0"]}' })).toEqual([
            'tracing:network.apiServerRanges must be the API server\'s own addresses (a /0 or any prefix shorter than /8 lets the agent reach almost any host on 443 and 6443), got ["0.0.0.0/0"]',
        ]);
    });

    it("knows which controller enforces the VPN ranges, and refuses one it cannot render for unless its annotation is named", () => {
        const exposure = (e: Record<string, unknown>): string => JSON.stringify({ ...exposureConfig, ...e });
        expect(parseStackConfig(requiredConfig).exposure.controller).toBe("traefik");
        expect(
            parseStackConfig({
                ...requiredConfig,
                "tracing:exposure": exposure({ mode: "gateway-api", gateway: { name: "g", namespace: "n" } }),
            }).exposure.controller,
        ).toBe("envoy-gateway");
        expect(problems({ "tracing:exposure": exposure({ controller: "envoy-gateway" }) })[0]).toMatch(
            /^tracing:exposure\.controller must be a controller that enforces source ranges in this mode/,
        );
        expect(problems({ "tracing:exposure": exposure({ controller: "kong" }) })[0]).toMatch(
            /^tracing:exposure\.controller must be one of traefik, haproxy, ingress-nginx, custom, envoy-gateway, got "kong"/,
        );
        expect(problems({ "tracing:exposure": exposure({ controller: "custom" }) })[0]).toMatch(
            /^tracing:exposure\.sourceRangeAnnotation must be set exactly when controller is custom/,
        );
        expect(problems({ "tracing:exposure": exposure({ sourceRangeAnnotation: "x/allow" }) })[0]).toMatch(
            /^tracing:exposure\.sourceRangeAnnotation must be set exactly when controller is custom/,
        );
    });

    it("names a bad chart source or image mirror", () => {
        expect(
            problems({
                "tracing:charts": '{"certManager": {"repo": "https://a.example", "oci": "oci://b.example/c"}}',
            }),
        ).toEqual([
            'tracing:charts.certManager must be exactly one of repo and oci, got {"repo":"https://a.example","oci":"oci://b.example/c"}',
        ]);
        expect(problems({ "tracing:charts": '{"otelOperator": {"oci": "registry/x"}}' })[0]).toMatch(
            /^tracing:charts\.otelOperator\.oci must be an OCI chart reference/,
        );
        expect(problems({ "tracing:imageRegistry": "https://registry.example/mirror" })[0]).toMatch(
            /^tracing:imageRegistry must be a registry host with an optional path/,
        );
    });

    it("names the key, the bad value and what is allowed", () => {
        expect(problems({ "tracing:retentionDays": "400" })).toEqual([
            "tracing:retentionDays must be an integer from 1 to 90, got 400",
        ]);
        expect(problems({ "tracing:retentionDays": "2.5" })).toEqual([
            "tracing:retentionDays must be an integer from 1 to 90, got 2.5",
        ]);
        expect(problems({ "tracing:retentionDays": "two weeks" })).toEqual([
            'tracing:retentionDays must be an integer from 1 to 90, got "two weeks"',
        ]);
    });

    it.each([
        ["tracing:namespace", "Tracing_NS", "tracing:namespace must be a DNS-1123 label"],
        ["tracing:sampling", '{"percent": 150}', "tracing:sampling.percent must be a number from 0 to 100, got 150"],
        [
            "tracing:sampling",
            '{"slowTraceMs": 0}',
            "tracing:sampling.slowTraceMs must be an integer from 1 to 600000, got 0",
        ],
        ["tracing:sampling", '{"keepErrors": "yes"}', 'tracing:sampling.keepErrors must be true or false, got "yes"'],
        [
            "tracing:orderIdHeader",
            "X-Order-Id",
            'tracing:orderIdHeader must be a lower-case HTTP header name such as x-order-id, got "X-Order-Id"',
        ],
        [
            "tracing:workloads",
            '[{"name":"mes-api","namespace":"mes","language":"cobol"}]',
            'tracing:workloads[0].language must be one of java, nodejs, python, dotnet, go, got "cobol"',
        ],
        [
            "tracing:workloads",
            '[{"name":"mes-api","namespace":"mes","language":"go"}]',
            "tracing:workloads[0].goTargetExecutable must be the absolute path",
        ],
        [
            "tracing:workloads",
            '[{"name":"a","namespace":"x","language":"java"},{"name":"a","namespace":"x","language":"java"}]',
            "tracing:workloads must be a list without duplicate namespace/name pairs",
        ],
        ["tracing:pii", '{"masks": []}', "tracing:pii.masks must be a non-empty list of masks"],
        ["tracing:pii", '{"deleteKeys": []}', "tracing:pii.deleteKeys must be a non-empty list of attribute keys"],
        [
            "tracing:pii",
            '{"masks": [{"name":"x","pattern":"(a"}]}',
            "tracing:pii.masks[0].pattern must be a valid regular expression",
        ],
        [
            "tracing:pii",
            '{"masks": [{"name":"x","pattern":"(?!a)b"}]}',
            "tracing:pii.masks[0].pattern must be an RE2 regular expression",
        ],
        [
            "tracing:pii",
            '{"masks": [{"name":"x","pattern":"a"},{"name":"x","pattern":"b"}]}',
            "tracing:pii.masks must be masks with distinct names",
        ],
        [
            "tracing:pii",
            '{"masks": [{"name":"x","pattern":"a","clues":{}}]}',
            "tracing:pii.masks[0].clues must be text (strings every match contains) or digits",
        ],
        [
            "tracing:pii",
            '{"masks": [{"name":"x","pattern":"a","clues":{"digits":0}}]}',
            "tracing:pii.masks[0].clues.digits must be an integer from 1 to 64, got 0",
        ],
        [
            "tracing:pii",
            '{"clientAddress": "hash"}',
            'tracing:pii.clientAddress must be one of truncate, drop, keep, got "hash"',
        ],
        [
            "tracing:collector",
            '{"agent": {"exportCompression": "lz4"}}',
            'tracing:collector.agent.exportCompression must be one of none, snappy, zstd, gzip, got "lz4"',
        ],
        [
            "tracing:collector",
            '{"gateway": {"replicas": 0}}',
            "tracing:collector.gateway.replicas must be an integer from 1 to 20, got 0",
        ],
        [
            "tracing:collector",
            '{"agent": {"memoryMiB": 128}}',
            "tracing:collector.agent.memoryMiB must be an integer from 256 to 8192, got 128",
        ],
        [
            "tracing:collector",
            '{"agent": {"cpu": "lots"}}',
            'tracing:collector.agent.cpu must be a Kubernetes quantity such as 500m, 256Mi or 1Gi, got "lots"',
        ],
        [
            "tracing:operator",
            '{"webhookFailurePolicy": "Maybe"}',
            'tracing:operator.webhookFailurePolicy must be Fail or Ignore, got "Maybe"',
        ],
    ])("rejects %s=%s", (key, value, message) => {
        const found = problems({ [key]: value });
        expect(found).toHaveLength(1);
        expect(found[0]).toContain(message);
    });

    const sso = (patch: object) => JSON.stringify({ ...ssoConfig, ...patch });
    const exposure = (patch: object) => JSON.stringify({ ...exposureConfig, ...patch });

    it.each([
        [
            "tracing:elasticsearch",
            '{"mode":"in-cluster","nodes":2}',
            "tracing:elasticsearch.nodes must be 1 or at least 3 (two master-eligible nodes cannot elect a master when one is down), got 2",
        ],
        [
            "tracing:elasticsearch",
            '{"mode":"in-cluster","nodes":1,"replicas":1}',
            "tracing:elasticsearch.replicas must be less than the number of nodes",
        ],
        [
            "tracing:elasticsearch",
            '{"mode":"cloud"}',
            'tracing:elasticsearch.mode must be an object whose mode is in-cluster or external, got "cloud"',
        ],
        [
            "tracing:elasticsearch",
            '{"mode":"external","url":"https://es.corp:9243","egressRanges":["10.50.0.0/16"]}',
            "tracing:elasticsearch.credentialsSecret must be a DNS-1123 label",
        ],
        [
            "tracing:elasticsearch",
            '{"mode":"external","url":"http://es.corp:9200","credentialsSecret":"es","egressRanges":["10.50.0.0/16"]}',
            'tracing:elasticsearch.url must be an https:// URL, got "http://es.corp:9200"',
        ],
        ["tracing:jaeger", '{"roles":"both"}', 'tracing:jaeger.roles must be combined or split, got "both"'],
        [
            "tracing:sso",
            sso({ clientSecret: "s3cret" }),
            "tracing:sso.clientSecret must be set exactly one of clientSecret (a Pulumi secret) and existingSecret",
        ],
        [
            "tracing:sso",
            sso({ emailDomains: ["*"] }),
            'tracing:sso.emailDomains[0] must be an e-mail domain such as jewellery.example (not *), got "*"',
        ],
        ["tracing:sso", sso({ allowedGroups: [] }), "tracing:sso.allowedGroups must be a non-empty list of groups"],
        [
            "tracing:sso",
            sso({ issuerUrl: "http://sso" }),
            'tracing:sso.issuerUrl must be an https:// URL, got "http://sso"',
        ],
        [
            "tracing:exposure",
            exposure({ sourceRanges: ["10.8.0.0"] }),
            'tracing:exposure.sourceRanges[0] must be an IPv4 CIDR such as 10.8.0.0/16, got "10.8.0.0"',
        ],
        [
            "tracing:exposure",
            exposure({ proxyRanges: [] }),
            "tracing:exposure.proxyRanges must be a non-empty list of IPv4 CIDRs",
        ],
        [
            "tracing:exposure",
            exposure({ mode: "gateway-api" }),
            "tracing:exposure.gateway must be the Gateway to attach to",
        ],
        [
            "tracing:orderIdPathPattern",
            "/orders/([0-9]+)",
            "tracing:orderIdPathPattern must be an RE2 pattern with a capture group named id",
        ],
    ])("rejects %s=%s", (key, value, message) => {
        const found = problems({ [key]: value });
        expect(found).toHaveLength(1);
        expect(found[0]).toContain(message);
    });

    it("cannot turn SSO or the VPN-only exposure off by leaving them out", () => {
        const found = problems({ "tracing:sso": "", "tracing:exposure": "" });
        expect(found).toEqual([
            'tracing:sso must be an object with issuerUrl, clientId, clientSecret or existingSecret, emailDomains and providerRanges (SSO cannot be turned off), got ""',
            'tracing:exposure must be an object with host, sourceRanges (the VPN) and proxyRanges (the ingress controller), got ""',
        ]);
    });

    it("rejects unknown keys instead of dropping them", () => {
        expect(problems({ "tracing:retentionDay": "3" })[0]).toMatch(
            /^tracing:retentionDay is not a known key \(known keys: namespace, createNamespace, protectData, imageRegistry, charts, retentionDays/,
        );
        expect(problems({ "tracing:sampling": '{"percentage": 10}' })).toEqual([
            "tracing:sampling.percentage is not a known setting of tracing:sampling",
        ]);
    });

    it("reports every bad key at once and leaves other namespaces alone", () => {
        const found = problems({
            "tracing:retentionDays": "0",
            "tracing:namespace": "-x",
            "kubernetes:context": "kind-dev",
        });
        expect(found.map((p) => p.split(" ")[0]).sort()).toEqual(["tracing:namespace", "tracing:retentionDays"]);
    });

    it("accepts numbers for Kubernetes quantities, as YAML writes them", () => {
        expect(
            parseStackConfig({ ...requiredConfig, "tracing:collector": '{"gateway": {"cpu": 2}}' }).collector.gateway
                .cpu,
        ).toBe("2");
    });
});
