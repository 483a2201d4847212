import { stringify } from "yaml";
import { defaultConfig } from "../policies/config";
import type { PolicyInput } from "../policies/resource-view";
import { viewIndicesSeparate, viewProxiesAdmitGroups } from "../policies/rules/views";

/** A Jaeger v2 config as a ConfigMap: Elasticsearch (or memory) storage, a query or only a collector. */
function jaeger(name: string, prefix: string, opts: { query?: boolean; memory?: boolean } = {}): PolicyInput {
    const backend =
        opts.memory === true
            ? { memory: { max_traces: 1000 } }
            : { elasticsearch: { indices: { index_prefix: prefix } } };
    const config = {
        extensions: {
            jaeger_storage: { backends: { traces: backend } },
            ...(opts.query === false ? {} : { jaeger_query: { storage: { traces: "traces" } } }),
        },
    };
    return {
        type: "kubernetes:core/v1:ConfigMap",
        name,
        props: { metadata: { name }, data: { "config.yaml": stringify(config) } },
    };
}

const uiService = (name: string): PolicyInput => ({
    type: "kubernetes:core/v1:Service",
    name,
    props: { metadata: { name }, spec: { ports: [{ port: 16686 }] } },
});

/** A Deployment of these containers. */
const deployment = (name: string, containers: unknown[]): PolicyInput => ({
    type: "kubernetes:apps/v1:Deployment",
    name,
    props: { metadata: { name }, spec: { template: { spec: { containers } } } },
});

const proxy = (name: string, upstream: string, groups: string[]): PolicyInput =>
    deployment(name, [
        { name: "oauth2-proxy", args: [`--upstream=${upstream}`, ...groups.map((g) => `--allowed-group=${g}`)] },
    ]);

const separate = (rs: PolicyInput[]) => viewIndicesSeparate.validateStack(rs, defaultConfig);
const admit = (rs: PolicyInput[]) => viewProxiesAdmitGroups.validateStack(rs, defaultConfig);

describe("view-indices-separate", () => {
    it("is mandatory, judged on the whole stack", () => {
        expect([viewIndicesSeparate.kind, viewIndicesSeparate.enforcementLevel]).toEqual(["stack", "mandatory"]);
    });

    it("passes views whose patterns do not cover each other, and a collector writing a query's indices", () => {
        expect(
            separate([
                jaeger("jaeger-query", "tracing"),
                jaeger("jaeger-collector", "tracing", { query: false }),
                jaeger("jaeger-shop", "tracing-shop"),
                jaeger("jaeger-shops", "tracing-shops"),
                jaeger("jaeger-dev", "", { memory: true }),
            ]),
        ).toEqual([]);
    });

    it("refuses a view whose indices another view's pattern covers, either way round, naming both", () => {
        for (const rs of [
            [jaeger("jaeger-query", "tracing"), jaeger("jaeger-jaeger", "tracing-jaeger")],
            [jaeger("jaeger-jaeger", "tracing-jaeger"), jaeger("jaeger-query", "tracing")],
        ]) {
            const found = separate(rs).map((v) => v.message);
            expect(found).toHaveLength(2);
            expect(found).toContainEqual(
                expect.stringContaining(
                    "The Jaeger query in jaeger-jaeger reads tracing-jaeger-jaeger-* and the one in jaeger-query tracing-jaeger-*",
                ),
            );
        }
    });

    it("reads no prefix as Jaeger does: jaeger-*, which covers the prefix jaeger", () => {
        expect(separate([jaeger("a", ""), jaeger("b", "jaeger")])).toHaveLength(2);
        expect(separate([jaeger("a", ""), jaeger("b", "shop")])).toEqual([]);
    });

    it("leaves alone a query on another backend, which reads no indices", () => {
        expect(separate([jaeger("a", ""), jaeger("dev", "", { memory: true })])).toEqual([]);
    });
});

describe("view-proxies-admit-groups", () => {
    it("is mandatory, judged on the whole stack", () => {
        expect([viewProxiesAdmitGroups.kind, viewProxiesAdmitGroups.enforcementLevel]).toEqual(["stack", "mandatory"]);
    });

    it("leaves a single view to sso-proxy-secure (an e-mail domain alone may admit the company to it)", () => {
        expect(admit([uiService("jaeger-query"), proxy("oauth2-proxy", "http://jaeger-query:16686", [])])).toEqual([]);
    });

    it("with two views, refuses the proxy that admits no group, naming where it leads", () => {
        const found = admit([
            uiService("jaeger-query"),
            uiService("jaeger-shop-query"),
            proxy("oauth2-proxy", "http://jaeger-query:16686", ["tracing-devops"]),
            proxy("oauth2-proxy-shop", "http://jaeger-shop-query:16686", []),
        ]).map((v) => v.message);
        expect(found).toEqual([
            "oauth2-proxy oauth2-proxy-shop admits anyone of its e-mail domains to http://jaeger-shop-query:16686. Set the view's groups (tracing:views[].groups, or tracing:sso.allowedGroups for the all view).",
        ]);
    });

    /** The proxy with more containers: these args for oauth2-proxy, a sidecar without flags. */
    const withSidecar = (name: string, args: string[]): PolicyInput =>
        deployment(name, [
            { name: "oauth2-proxy", args },
            { name: "log-shipper", args: [] },
        ]);
    const twoViews = [uiService("jaeger-query"), uiService("jaeger-shop-query")];

    it("reads the groups of the oauth2-proxy container, beside a sidecar", () => {
        const p = withSidecar("oauth2-proxy-shop", [
            "--upstream=http://jaeger-shop-query:16686",
            "--allowed-group=shop",
        ]);
        expect(admit([...twoViews, p])).toEqual([]);
    });

    it("names every upstream of a proxy that admits no group", () => {
        const p = withSidecar("oauth2-proxy-shop", [
            "--upstream=http://jaeger-shop-query:16686",
            "--upstream=http://jaeger-query:16686",
        ]);
        expect(admit([...twoViews, p]).map((v) => v.message)).toEqual([
            "oauth2-proxy oauth2-proxy-shop admits anyone of its e-mail domains to http://jaeger-shop-query:16686, http://jaeger-query:16686. Set the view's groups (tracing:views[].groups, or tracing:sso.allowedGroups for the all view).",
        ]);
    });
});
