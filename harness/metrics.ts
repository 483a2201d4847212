import { readFileSync } from "fs";

/**
 * Sums every sample of the named Prometheus metrics (all label sets) on a collector's /metrics.
 * Counters are named with or without the `_total` suffix depending on the exporter version.
 */
export async function metric(metricsPort: number, ...names: string[]): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    let sum = 0;
    for (const line of text.split("\n")) {
        if (line.startsWith("#")) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+)/.exec(line);
        if (m !== null && names.includes(m[1].replace(/_total$/, ""))) sum += Number(m[3]);
    }
    return sum;
}

/** User + system CPU seconds a process has used so far. */
export function cpuSeconds(pid: number): number {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
}

/** Resident memory of a process, MiB. */
export function rssMiB(pid: number): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? 0 : Number(m[1]) / 1024;
}

export const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0
        ? NaN
        : s.length % 2 === 1
          ? s[(s.length - 1) / 2]
          : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface Sample {
    name: string;
    labels: Record<string, string>;
    value: number;
}

/** The `name="value"` pairs between a sample's braces. */
function parseLabels(text: string | undefined): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const l of (text ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    return labels;
}

/** Every sample on a Prometheus endpoint, with its labels (the text format; `_total` kept in the name). */
export async function samples(metricsPort: number): Promise<Sample[]> {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const out: Sample[] = [];
    for (const line of text.split("\n")) {
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+([0-9.eE+-]+|NaN|[+-]Inf)/.exec(line);
        if (m === null) continue;
        out.push({ name: m[1], labels: parseLabels(m[2]), value: Number(m[3]) });
    }
    return out;
}

/** The sum of `name`'s samples whose labels include `where`. */
export const sumWhere = (all: Sample[], name: string, where: Record<string, string> = {}): number =>
    all
        .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0);

/**
 * The trace ids of the exemplars on a Prometheus endpoint's samples of `name` whose labels include
 * `where`. Exemplars exist only in the OpenMetrics format, so this asks for it as Prometheus does.
 */
export async function exemplarTraceIds(
    metricsPort: number,
    name: string,
    where: Record<string, string> = {},
): Promise<Set<string>> {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, {
        headers: { accept: "application/openmetrics-text;version=1.0.0" },
    });
    const ids = new Set<string>();
    for (const line of (await res.text()).split("\n")) {
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*?)\})?\s+\S+.*# \{(.*?)\}/.exec(line);
        if (m === null || m[1] !== name) continue;
        const labels = parseLabels(m[2]);
        if (!Object.entries(where).every(([k, v]) => labels[k] === v)) continue;
        const traceId = /trace_id="([0-9a-f]+)"/.exec(m[3]);
        if (traceId !== null) ids.add(traceId[1]);
    }
    return ids;
}
