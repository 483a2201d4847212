import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { stringify } from "yaml";
import type { PrometheusRuleSpec } from "../../../renderers/prometheus-rules";
import { freePort, httpOk, runDir, start, Started, waitFor } from "../../../harness/processes";
import { tools } from "../../../harness/tools";

/**
 * The real Prometheus (the pinned module's server, without service discovery) scraping the e2e
 * pipeline. Kubernetes discovery is what a PodMonitor gives Prometheus; here each target is static
 * and carries the labels that discovery would add (`namespace`, `pod`), so the queries and rules
 * meet the series under the names they have in a cluster.
 */
export interface ScrapeTarget {
    job: string;
    port: number;
    /** What the PodMonitor's discovery would label the target with. */
    labels: { namespace: string; pod: string };
    honorLabels?: boolean;
}

export interface Prometheus {
    url: string;
    process: Started;
}

/** One series of an instant or range query. */
export interface PromSeries {
    metric: Record<string, string>;
    value?: [number, string];
    values?: [number, string][];
}

export interface PromRule {
    name: string;
    type: "alerting" | "recording";
    health: "ok" | "err" | "unknown";
    lastError?: string;
    state?: "inactive" | "pending" | "firing";
}

/**
 * Starts Prometheus with the targets scraped at `scrapeInterval` (the PodMonitors' interval) and the
 * rules evaluated every `evaluationInterval` (kube-prometheus-stack's default is 30 s).
 */
export async function startPrometheus(
    name: string,
    targets: ScrapeTarget[],
    scrapeInterval: string,
    rules?: PrometheusRuleSpec,
    evaluationInterval = "30s",
): Promise<Prometheus> {
    const dir = join(runDir, name);
    mkdirSync(join(dir, "data"), { recursive: true });
    const rulesFile = join(dir, "rules.yaml");
    if (rules !== undefined) writeFileSync(rulesFile, stringify(rules));
    const config = {
        global: { scrape_interval: scrapeInterval, evaluation_interval: evaluationInterval },
        ...(rules !== undefined ? { rule_files: [rulesFile] } : {}),
        scrape_configs: targets.map((t) => ({
            job_name: t.job,
            metrics_path: "/metrics",
            ...(t.honorLabels === true ? { honor_labels: true } : {}),
            static_configs: [{ targets: [`127.0.0.1:${t.port}`], labels: t.labels }],
        })),
    };
    const configFile = join(dir, "prometheus.yaml");
    writeFileSync(configFile, stringify(config));
    const port = await freePort();
    const process = start(name, tools.prometheus(), [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--enable-feature=exemplar-storage",
    ]);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${name} ready`, () => httpOk(`${url}/-/ready`), 60000);
    return { url, process };
}

async function api<T>(prom: Prometheus, path: string, params: Record<string, string>): Promise<T> {
    const res = await fetch(`${prom.url}/api/v1/${path}`, {
        method: "POST",
        body: new URLSearchParams(params),
        signal: AbortSignal.timeout(10000),
    });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success")
        throw new Error(`Prometheus ${path} ${JSON.stringify(params)}: ${body.error ?? res.status}`);
    return body.data;
}

/** An instant query; a query Prometheus cannot parse or evaluate throws with its error. */
export async function query(prom: Prometheus, expr: string): Promise<PromSeries[]> {
    return (await api<{ result: PromSeries[] }>(prom, "query", { query: expr })).result;
}

export async function queryRange(
    prom: Prometheus,
    expr: string,
    startSeconds: number,
    endSeconds: number,
    stepSeconds: number,
): Promise<PromSeries[]> {
    return (
        await api<{ result: PromSeries[] }>(prom, "query_range", {
            query: expr,
            start: String(startSeconds),
            end: String(endSeconds),
            step: String(stepSeconds),
        })
    ).result;
}

export async function labelValues(prom: Prometheus, label: string, match: string): Promise<string[]> {
    const res = await fetch(
        `${prom.url}/api/v1/label/${label}/values?${String(new URLSearchParams({ "match[]": match }))}`,
        { signal: AbortSignal.timeout(10000) },
    );
    return ((await res.json()) as { data: string[] }).data;
}

export async function rules(prom: Prometheus): Promise<PromRule[]> {
    const res = await fetch(`${prom.url}/api/v1/rules`, { signal: AbortSignal.timeout(10000) });
    const body = (await res.json()) as { data: { groups: { rules: PromRule[] }[] } };
    return body.data.groups.flatMap((g) => g.rules);
}
