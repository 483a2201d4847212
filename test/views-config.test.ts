import { ConfigError, parseStackConfig } from "../config/config";
import { copiesPerSpan } from "../config/storage-budget";
import { viewIndexesOverlap, viewPath } from "../config/views";
import { requiredConfig } from "./support/minimal-config";

/** The problems of a config made of the required keys plus `raw` (objects as Pulumi hands them: JSON). */
function problems(raw: Record<string, unknown>): string[] {
    try {
        parseStackConfig({
            ...requiredConfig,
            ...Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.stringify(v)])),
        });
    } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
    }
    return [];
}

const shop = { name: "shop", groups: ["tracing-team-shop"], namespaces: ["shop"] };
const crm = { name: "crm", groups: ["tracing-team-crm"], services: ["crm-api"] };

describe("tracing:views", () => {
    it("accepts views by namespace or by service, and none at all by default", () => {
        expect(problems({ "tracing:views": [shop, crm] })).toEqual([]);
        const config = parseStackConfig({ ...requiredConfig, "tracing:views": JSON.stringify([shop, crm]) });
        expect(config.views).toEqual([
            { ...shop, services: [] },
            { ...crm, namespaces: [] },
        ]);
        expect(parseStackConfig(requiredConfig).views).toEqual([]);
    });

    it.each([
        [
            "an unknown field",
            [{ ...shop, group: ["typo"] }],
            "tracing:views[0].group is not a known setting of tracing:views[0]",
        ],
        [
            "a view that selects nothing",
            [{ name: "shop", groups: ["g"] }],
            "tracing:views[0].namespaces must be a non-empty list of namespaces or services (a view that selects nothing would hold no span)",
        ],
        ["no groups", [{ ...shop, groups: [] }], "tracing:views[0].groups must be a non-empty list of IdP groups"],
        [
            "two views of one name",
            [shop, { ...crm, name: "shop" }],
            "tracing:views must be a list of views with distinct names",
        ],
        ["the all view's name", [{ ...shop, name: "all" }], "tracing:views[0].name must be a name other than all"],
        [
            "a name that is no DNS label",
            [{ ...shop, name: "Shop" }],
            'tracing:views[0].name must be a DNS label of at most 20 characters starting with a letter, such as shop, got "Shop"',
        ],
        // jaeger-jaeger-jaeger-* would fall under the all view's jaeger-jaeger-*: its users would read it.
        [
            "a name whose indices another view's pattern covers",
            [{ ...shop, name: "jaeger" }],
            "tracing:views[0].name must be a name whose indices no other view's pattern covers, got jaeger (jaeger-jaeger-jaeger-* and the all view's indices overlap): rename it",
        ],
        [
            "two views whose indices overlap",
            [shop, { ...crm, name: "shop-jaeger" }],
            "tracing:views[0].name must be a name whose indices no other view's pattern covers, got shop (jaeger-shop-jaeger-* and the shop-jaeger view's indices overlap): rename it",
        ],
    ])("names %s", (_what, views, message) => {
        expect(problems({ "tracing:views": views }).join("\n")).toContain(message);
    });

    it("requires each view's Grafana organisation when data sources are provisioned, and Grafana's namespace", () => {
        expect(
            problems({
                "tracing:views": [shop],
                "tracing:monitoring": { grafanaDatasources: true },
            }),
        ).toEqual([
            expect.stringContaining("tracing:monitoring.grafanaDashboardNamespace must be Grafana's namespace"),
            expect.stringContaining("tracing:views[0].grafanaOrgId must be the Grafana organisation id of view shop"),
        ]);
        expect(
            problems({
                "tracing:views": [{ ...shop, grafanaOrgId: 2 }],
                "tracing:monitoring": { grafanaDatasources: true, grafanaDashboardNamespace: "monitoring" },
            }),
        ).toEqual([]);
    });

    it("tells overlapping index patterns apart by the -jaeger- that ends each prefix", () => {
        expect(viewIndexesOverlap("tracing", "shop", undefined)).toBe(false);
        expect(viewIndexesOverlap("tracing", "shop", "shops")).toBe(false);
        expect(viewIndexesOverlap("tracing", "jaeger", undefined)).toBe(true);
        expect(viewIndexesOverlap("tracing", "shop", "shop-jaeger")).toBe(true);
        expect(viewIndexesOverlap("tracing", "shop", "shop")).toBe(false);
    });

    it("serves a view under /views/<name> on the UI's host (the README's address and the IdP's redirect)", () => {
        expect(viewPath("order-desk")).toBe("/views/order-desk");
    });

    it("counts how many times the most-copied span is stored: once in all, once per view that selects its workload", () => {
        const workloads = parseStackConfig({
            ...requiredConfig,
            "tracing:workloads": JSON.stringify([
                { name: "shop-api", namespace: "shop", language: "nodejs" },
                { name: "crm-api", namespace: "crm", language: "java" },
            ]),
        }).workloads;
        const views = (vs: object[]) =>
            parseStackConfig({ ...requiredConfig, "tracing:views": JSON.stringify(vs) }).views;
        expect(copiesPerSpan({ workloads, views: [] })).toBe(1);
        expect(copiesPerSpan({ workloads, views: views([shop, crm]) })).toBe(2);
        // crm-api by name in one view and by namespace in another: three copies.
        expect(copiesPerSpan({ workloads, views: views([crm, { ...shop, namespaces: ["shop", "crm"] }]) })).toBe(3);
        // A view of services no workload here runs still stores its spans a second time.
        expect(copiesPerSpan({ workloads, views: views([{ ...crm, services: ["billing"] }]) })).toBe(2);
    });
});
