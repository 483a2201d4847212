import type { GrafanaDashboard, PromTarget, TimeseriesPanel } from "../../../renderers/grafana-dashboard";
import { labelValues, Prometheus } from "./prometheus";

/**
 * What Grafana does with the dashboard's queries before Prometheus sees them, for the variables the
 * dashboard uses (documented in Grafana's "Variables" and "Prometheus template variables" pages):
 * `$__rate_interval` is max(step + scrape interval, 4 × scrape interval); a multi-value variable set
 * to All becomes the regex-escaped choices joined as `(a|b|c)`.
 */
export function rateInterval(scrapeSeconds: number, stepSeconds: number): string {
    return `${Math.max(stepSeconds + scrapeSeconds, 4 * scrapeSeconds)}s`;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The choices of the dashboard's service picker: its label_values query, filtered by its regex. */
export async function serviceChoices(dashboard: GrafanaDashboard, prom: Prometheus): Promise<string[]> {
    const variable = dashboard.templating.list.find((v) => v.name === "service");
    if (variable === undefined || variable.type !== "query") throw new Error("the dashboard has no service variable");
    const m = /^label_values\((.+), (\w+)\)$/.exec(variable.query);
    if (m === null) throw new Error(`unexpected service query ${variable.query}`);
    const values = await labelValues(prom, m[2], m[1]);
    const regex = variable.regex === "" ? /.*/ : new RegExp(variable.regex.replace(/^\/(.*)\/$/, "$1"));
    return values.filter((v) => regex.test(v));
}

/** A target's query as Grafana sends it with every service selected. */
export function expand(expr: string, services: string[], rate: string): string {
    return expr.replaceAll("$__rate_interval", rate).replaceAll("$service", `(${services.map(escapeRegex).join("|")})`);
}

/** A series' name in the legend: the target's legendFormat with `{{label}}` filled in. */
export function legend(format: string, labels: Record<string, string>): string {
    return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? "");
}

export const timeseriesPanels = (d: GrafanaDashboard): TimeseriesPanel[] =>
    d.panels.filter((p): p is TimeseriesPanel => p.type === "timeseries");

export type { PromTarget };
