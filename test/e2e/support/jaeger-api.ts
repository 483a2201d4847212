/** Jaeger's HTTP query API (the one the UI uses). */
export interface JaegerSpan {
    traceID: string;
    spanID: string;
    operationName: string;
    processID: string;
    duration: number;
    tags: { key: string; type: string; value: unknown }[];
    references: { refType: string; spanID: string; traceID: string }[];
}

export interface JaegerTrace {
    traceID: string;
    spans: JaegerSpan[];
    processes: Record<string, { serviceName: string; tags?: { key: string; value: unknown }[] }>;
}

async function get<T>(url: string): Promise<T | null> {
    const res = await fetch(url);
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return ((await res.json()) as { data: T | null }).data;
}

/** Traces of a service matching the tags; none (not an error) for a service Jaeger never saw. */
export async function findTraces(
    queryUrl: string,
    service: string,
    tags: Record<string, string>,
    lookback = "1h",
    limit = "20",
): Promise<JaegerTrace[]> {
    const q = new URLSearchParams({ service, tags: JSON.stringify(tags), lookback, limit });
    return (await get<JaegerTrace[]>(`${queryUrl}/api/traces?${q.toString()}`)) ?? [];
}

export async function services(queryUrl: string): Promise<string[]> {
    return (await get<string[]>(`${queryUrl}/api/services`)) ?? [];
}

export const tag = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;
export const serviceOf = (trace: JaegerTrace, span: JaegerSpan): string =>
    trace.processes[span.processID]?.serviceName ?? "";
/** A resource attribute of the span's process (Jaeger's process tags). */
export const processTag = (trace: JaegerTrace, span: JaegerSpan, key: string): unknown =>
    trace.processes[span.processID]?.tags?.find((t) => t.key === key)?.value;
export const servicesIn = (trace: JaegerTrace): string[] =>
    [...new Set(trace.spans.map((s) => serviceOf(trace, s)))].sort();

/** One whole trace by id: `/api/traces/<traceId>`. */
export async function getTrace(queryUrl: string, traceId: string): Promise<JaegerTrace | null> {
    const data = await get<JaegerTrace[]>(`${queryUrl}/api/traces/${traceId}`);
    return data === null || data.length === 0 ? null : data[0];
}

/** The span's parent inside the trace (its CHILD_OF reference), if any. */
export const parentOf = (span: JaegerSpan): string | undefined =>
    span.references.find((r) => r.refType === "CHILD_OF")?.spanID;

/** Whether `span` descends from the span `ancestorId` in `trace`. */
export function descendsFrom(trace: JaegerTrace, span: JaegerSpan, ancestorId: string): boolean {
    const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
    let current: JaegerSpan | undefined = span;
    for (let hops = 0; current !== undefined && hops < trace.spans.length; hops++) {
        const parent = parentOf(current);
        if (parent === ancestorId) return true;
        current = parent === undefined ? undefined : byId.get(parent);
    }
    return false;
}
