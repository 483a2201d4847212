import { readFileSync } from "fs";
import { join } from "path";
import { AlertRulesInput, renderAlertRules } from "../renderers/prometheus-rules";
import { projectDir } from "./support/resources";

/*
 * What every alert carries for the person it wakes. The expressions themselves fire and stay quiet
 * where they should in the real promtool: test/e2e/prometheus-rules.test.ts.
 */
const input: AlertRulesInput = {
    namespace: "tracing",
    services: ["shop-api", "crm-api"],
    slowTraceMs: 1500,
    errorRatio: 0.05,
    unconsumedAfterMinutes: 5,
    agentDaemonSet: "otel-agent",
    gatewayStatefulSet: "otel-gateway",
    gatewayQueueClaim: "queue",
    indexCleanerCronJob: "jaeger-es-index-cleaner",
    jaegerStorageExporter: "jaeger_storage_exporter",
};
const rules = renderAlertRules(input).groups.flatMap((g) => g.rules);
const readme = readFileSync(join(projectDir, "README.md"), "utf8");
/** The rows of the README's runbook table: the lines from its header to the first blank line after it. */
const runbookTable = readme.slice(readme.indexOf("| Alert | Fires when | What to check |")).split("\n\n")[0];
const runbookRows = [...runbookTable.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);

describe("the alert rules", () => {
    it("are eleven, with unique names, in groups for the pipeline and the order flow", () => {
        expect(rules.map((r) => r.alert)).toHaveLength(11);
        expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
        expect(renderAlertRules(input).groups.map((g) => g.rules.length > 0)).toEqual([true, true]);
    });

    it("each have a severity, a summary, a description that says what to check, and a runbook row in the README", () => {
        for (const r of rules) {
            expect({ alert: r.alert, severity: ["warning", "critical"].includes(r.labels.severity) }).toEqual({
                alert: r.alert,
                severity: true,
            });
            expect(r.annotations.summary.length).toBeGreaterThan(10);
            expect(r.annotations.description.length).toBeGreaterThan(40);
            expect(r.annotations.runbook).toBe(`README.md, "Alerts and what to do": ${r.alert}`);
            expect(r.for).toMatch(/^[0-9]+m$/);
        }
        expect(runbookRows.sort()).toEqual(rules.map((r) => r.alert).sort());
    });

    it("watch the instrumented services' operations, or every service when none is listed", () => {
        const orderFlow = (i: AlertRulesInput) =>
            renderAlertRules(i)
                .groups.flatMap((g) => g.rules)
                .filter((r) => r.alert.startsWith("OrderFlow"));
        for (const r of orderFlow(input)) expect(r.expr).toContain('service_name=~"shop-api|crm-api"');
        for (const r of orderFlow({ ...input, services: [] })) {
            expect(r.expr).not.toContain("service_name=~");
            expect(r.expr).toContain('span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}');
        }
    });

    it("put the configured thresholds into the expressions and the messages", () => {
        const byName = new Map(rules.map((r) => [r.alert, r]));
        expect(byName.get("OrderFlowErrors")?.expr).toMatch(/> 0\.05$/);
        expect(byName.get("OrderFlowErrors")?.annotations.summary).toContain("over 5 % of");
        expect(byName.get("OrderFlowErrors")?.annotations.description).toMatch(/^More than 5 % /);
        expect(byName.get("OrderFlowSlow")?.expr).toMatch(/> 1500$/);
        expect(byName.get("MessagesPublishedNotConsumed")?.expr).toContain("offset 5m");
        expect(byName.get("MessagesPublishedNotConsumed")?.expr).toContain("[65m]");
        // Only RabbitMQ's publishes and consumes: another messaging system's spans must not count.
        const unconsumed = byName.get("MessagesPublishedNotConsumed")?.expr ?? "";
        const selectors = unconsumed.match(/calls_total\{[^}]*\}/g) ?? [];
        expect(selectors.length).toBeGreaterThanOrEqual(2);
        expect(selectors.filter((sel) => !sel.includes('messaging_system="rabbitmq"'))).toEqual([]);
    });
});
