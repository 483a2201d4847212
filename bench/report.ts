import type { StackConfig } from "../config/schema";
import { copiesPerSpan } from "../config/storage-budget";
import { gatewayTerminationGraceSeconds } from "../renderers/gateway-config";
import type { Outage, Restart } from "../harness/resilience";
import {
    confirmationWindows,
    MemoryBurst,
    PairedCost,
    ProfileShare,
    SpanMetricsCost,
    Step,
    Throughput,
} from "./throughput";
import type { Overhead, OverheadRound, WireSize } from "./wire";

export interface BenchResults {
    measuredAt: string;
    quick: boolean;
    machine: { cores: number; node: string };
    /** cost and profile: absent before 2026-12-01 (the ratio came from separate confirmation runs). */
    throughput: {
        agent: Throughput;
        bare: Throughput;
        ratio: number;
        cost?: PairedCost;
        costAtHalf?: PairedCost;
        profile?: ProfileShare[];
    };
    /** absent before 2026-12-01. */
    spanMetrics?: SpanMetricsCost;
    memoryBurst: MemoryBurst;
    gatewayRestart: Restart[];
    backendOutage: Outage;
    instrumentationOverhead: Overhead[];
    /** @opentelemetry/auto-instrumentations-node as installed for the stand-ins; absent before 2026-11-30. */
    nodeAgentVersion?: string;
    wire: WireSize;
    suite: { npmTestSeconds: number; checkDevSeconds: number; checkProdSeconds: number };
    durationSeconds: number;
}

const n = (x: number, digits = 0): string =>
    Number.isFinite(x)
        ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
        : "n/a";
const cpuPer10k = (s: Step): number => (s.accepted > 0 ? (s.cpuSeconds / s.accepted) * 10000 : NaN);

/** Elasticsearch bytes for a span: the stored JSON document, times a factor for index structures. */
const indexOverhead = 1.5;
/** Elasticsearch stops allocating shards to a node past its low disk watermark. */
const lowWatermark = 0.85;
const capacityRates = [100, 1000, 10000];

interface Capacity {
    stack: string;
    rate: number;
    keptPercent: number;
    retentionDays: number;
    replicas: number;
    /** Times a span is stored: once in the all view, once per team view that selects it. */
    copies: number;
    needGiB: number;
    usableGiB: number;
}

function capacity(wire: WireSize, stacks: Record<string, StackConfig>): Capacity[] {
    return Object.entries(stacks).flatMap(([stack, c]) =>
        capacityRates.map((rate) => {
            const es = c.elasticsearch;
            const bytes =
                rate *
                (c.sampling.percent / 100) *
                wire.storedJsonBytesPerSpan *
                indexOverhead *
                86400 *
                c.retentionDays *
                (1 + es.replicas) *
                copiesPerSpan(c);
            return {
                stack,
                rate,
                keptPercent: c.sampling.percent,
                retentionDays: c.retentionDays,
                replicas: es.replicas,
                copies: copiesPerSpan(c),
                needGiB: bytes / 2 ** 30,
                usableGiB: es.mode === "in-cluster" ? es.storageGi * es.nodes * lowWatermark : NaN,
            };
        }),
    );
}

/** A sentence per stack: the highest of the tabled rates its PVCs hold, and what the next one would need. */
function capacityVerdict(rows: Capacity[], stacks: Record<string, StackConfig>): string {
    return Object.entries(stacks)
        .map(([stack, c]) => {
            const own = rows.filter((r) => r.stack === stack);
            if (!Number.isFinite(own[0]?.usableGiB))
                return `${stack} stores in an external Elasticsearch, sized outside this stack`;
            const fits = own.filter((r) => r.needGiB <= r.usableGiB);
            const next = own.find((r) => r.needGiB > r.usableGiB);
            const es =
                c.elasticsearch.mode === "in-cluster"
                    ? `${c.elasticsearch.nodes} × ${c.elasticsearch.storageGi} GiB`
                    : "";
            const holds =
                fits.length === 0
                    ? `${stack} (${es}) holds none of the tabled rates`
                    : `${stack} (${es}) holds ${n(fits[fits.length - 1].rate)} spans/s at ${c.sampling.percent} % kept for ${c.retentionDays} days`;
            return next === undefined
                ? holds
                : `${holds}; ${n(next.rate)} spans/s would need ${n(next.needGiB / next.usableGiB, 1)}× its disk, or a smaller kept share`;
        })
        .join(". ");
}

/** A Mermaid xychart (GitHub renders it): one bar series and one line series over the same x axis. */
function chart(title: string, x: string[], yLabel: string, bar: number[], line: number[]): string {
    const max = Math.max(...bar, ...line);
    const nums = (xs: number[]): string =>
        xs.map((v) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : 0)).join(", ");
    return [
        "```mermaid",
        "xychart-beta",
        `    title "${title}"`,
        `    x-axis [${x.map((s) => `"${s}"`).join(", ")}]`,
        `    y-axis "${yLabel}" 0 --> ${Number((max * 1.15).toPrecision(2))}`,
        `    bar [${nums(bar)}]`,
        `    line [${nums(line)}]`,
        "```",
    ].join("\n");
}

/** The agent's CPU per span against the bare collector's in alternating windows, and its profile. */
function costSection(r: BenchResults): string {
    const { cost, costAtHalf, profile } = r.throughput;
    if (cost === undefined) return "";
    const ratios = cost.rounds.map((x) => x.ratio);
    const rows = [cost, ...(costAtHalf === undefined ? [] : [costAtHalf])].flatMap((c) =>
        c.rounds.map(
            (x, i) => `| ${n(c.spansPerSecond)} | ${i + 1} | ${n(x.agent, 3)} | ${n(x.bare, 3)} | ${n(x.ratio, 2)} |`,
        ),
    );
    const parts = (profile ?? []).map((p) => `| ${p.part} | ${n(p.percent, 1)} % |`);
    return `
### CPU per span against the bare collector

The confirmation runs above are a minute apart, and this machine drifts by more than the difference
they measure. So the cost is measured again at ${n(cost.spansPerSecond)} spans/s${costAtHalf === undefined ? "" : ` (and at ${n(costAtHalf.spansPerSecond)})`} in ${cost.rounds.length} rounds of
${cost.windowSeconds} s, each round an agent window then a bare window, and the ratio is taken within each round.

| spans/s | round | agent CPU-s per 10 000 spans | bare | agent / bare |
| --- | --- | --- | --- | --- |
${rows.join("\n")}

**Agent / bare at ${n(cost.spansPerSecond)} spans/s: ${n(cost.medianRatio, 2)}×** (median of the rounds; spread ${n(Math.min(...ratios), 2)}–${n(Math.max(...ratios), 2)})${
        costAtHalf === undefined
            ? "."
            : `; at ${n(costAtHalf.spansPerSecond)} spans/s ${n(costAtHalf.medianRatio, 2)}×: the ratio depends on the rate, so compare ratios measured at the same one.`
    }
${
    parts.length === 0
        ? ""
        : `
Where the agent's CPU goes, from a CPU profile of the agent over its rounds at ${n(cost.spansPerSecond)} spans/s (the collector's
pprof extension; \`go tool pprof -focus\`: the share of samples whose stack passes through each part;
parts overlap where one calls another, and the rest is the collector's own plumbing and the Go
runtime). The profile is kept next to the results (\`agent-cpu.pprof\`).

| part | share of the agent's CPU samples |
| --- | --- |
${parts.join("\n")}

What keeps the personal-data rules cheap (README, "Personal data"): one combined pattern instead of
one scan per mask; values without any mask's clue (no \`@\`, no \`%\`, fewer than 10 digits) skip the
scan, in redaction and in the transform's guards; statements grouped so that a span runs only what
can apply to it (the client-address statements on server spans only, the forwarding headers only
where one is present); five order-id statements instead of fifteen; and no gzip on the agent's
export inside the cluster. Against the same bare collector the agent cost 2.83× before these
changes (2026-11-30). What is left is per span and per value, and none of it can go without a
guarantee going with it: the span name, status message and event names must each be looked at (no
processor but transform reaches them), every attribute value of every type must be looked at, and a
server span's client address must be rewritten. The load_balancing exporter's split of every batch
by trace id (so that a trace meets on one gateway) is part of the export share and is not a
personal-data cost.
`
}${
        cost.medianRatio > 2
            ? `
**Above the 2× bound** of issue #15: the parts above are what the guarantees cost per span, measured
on spans this small (telemetrygen's: two attributes each), where a fixed cost per span weighs most.
`
            : ""
    }`;
}

function spanMetricsSection(r: BenchResults): string {
    const s = r.spanMetrics;
    if (s === undefined) return "";
    const rows = s.cost.rounds
        .map((x, i) => `| ${i + 1} | ${n(x.agent, 3)} | ${n(x.bare, 3)} | ${n(x.ratio, 2)} |`)
        .join("\n");
    return `
### What counting every span costs the gateway

The gateway as rendered (span metrics from every span before tail sampling, prod's sampling, the
persistent queue) against the same configuration with the span metrics taken out, both exporting to
a bare sink, fed ${n(s.cost.spansPerSecond)} spans/s by telemetrygen in ${s.cost.rounds.length} rounds of ${s.cost.windowSeconds} s (a window of
each per round, so both see the machine alike). CPU-seconds per 10,000 spans, as each gateway's
process counts them over its own windows: receiving, span metrics, batching into tail sampling's
store; the sampling decisions come decision_wait (10 s) later, partly after the window, for both alike, so
the ratio overstates the span metrics' share of a gateway's whole cost:

| round | with span metrics | without | ratio |
| --- | --- | --- | --- |
${rows}

**With / without: ${n(s.cost.medianRatio, 2)}×** (median of the rounds). The endpoint then held ${n(s.series)}
\`calls\` series (telemetrygen's one service and two operations; the label sets grow with services ×
operations × kinds × status and the messaging labels, at most ${n(5000)} per metric).
`;
}

function throughputSection(r: BenchResults): string {
    const t = r.throughput;
    const rows = [t.agent, t.bare].flatMap((run) =>
        [
            ...run.steps.map((s) => ({ s, kind: "step" })),
            ...(run.confirmation === null ? [] : [{ s: run.confirmation, kind: "confirmation" }]),
        ].map(
            ({ s, kind }) =>
                `| ${run.label} | ${kind} | ${n(s.offeredSpansPerSecond)} | ${s.seconds} | ${n(s.accepted)} | ${n(s.refused)} | ${n(s.failed)} | ${s.windowCpuPer10kSpans.map((w) => n(w, 3)).join(" / ")} | ${s.held ? "yes" : "no"} |`,
        ),
    );
    const common = t.agent.steps.filter((s) =>
        t.bare.steps.some((b) => b.offeredSpansPerSecond === s.offeredSpansPerSecond),
    );
    const bareAt = (rate: number): number =>
        cpuPer10k(t.bare.steps.find((b) => b.offeredSpansPerSecond === rate) as Step);
    return `## 1. Agent throughput

telemetrygen (4 workers, traces of 2 spans) at rising rates into (a) our full agent pipeline with the
prod stack's settings (memory_limiter, k8s_attributes in passthrough, order-id extraction, attribute
deletion, redaction, OTTL scrubbing, batch, load_balancing to a sink collector) and (b) a bare
collector (OTLP in, nop out), the two in turn at each rate. A rate is *held* when nothing is refused or fails to export
and at least 90 % of the offered spans arrive. Each pipeline's highest held rate is then held again
for ${r.quick ? "a short run" : "60 s"} as confirmation, its CPU measured in ${confirmationWindows} equal windows (the median is quoted).

| pipeline | run | offered spans/s | s | accepted | refused | failed | CPU-s per 10 000 spans (per window) | held |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

| | agent (a) | bare (b) | a / b |
| --- | --- | --- | --- |
| highest rate held for the confirmation run, spans/s | ${n(t.agent.heldSpansPerSecond)} | ${n(t.bare.heldSpansPerSecond)} | ${n(t.ratio, 2)} |
| CPU-seconds per 10 000 spans (median of the confirmation windows) | ${n(t.agent.cpuSecondsPer10kSpans, 3)} | ${n(t.bare.cpuSecondsPer10kSpans, 3)} | ${n(t.agent.cpuSecondsPer10kSpans / t.bare.cpuSecondsPer10kSpans, 2)} |
${costSection(r)}
${spanMetricsSection(r)}
${chart(
    "CPU-seconds per 10 000 spans: agent (bars), bare collector (line)",
    common.map((s) => `${n(s.offeredSpansPerSecond)}/s`),
    "CPU-s",
    common.map(cpuPer10k),
    common.map((s) => bareAt(s.offeredSpansPerSecond)),
)}

The load generator shares the ${r.machine.cores} cores with the collector, so the top rate is bounded by the
machine as much as by the pipeline; the CPU cost per span is the figure to carry to a cluster.`;
}

function restartSection(r: BenchResults): string {
    const rows = r.gatewayRestart.map(
        (x) =>
            `| ${x.stop === "restart" ? `restart (SIGTERM, ${gatewayTerminationGraceSeconds} s grace)` : "crash (SIGKILL)"} | ${x.persistentQueue ? "file_storage (as deployed)" : "in memory"} | ${n(x.sentSpans)} | ${n(x.agentLosses)} | ${n(x.storedSpans)} | **${n(x.lost)}** | ${x.stop === "restart" ? `${n(x.shutdownSeconds, 1)} s${x.killedAfterGrace ? " (killed at the end of the grace period)" : ""}` : "–"} |`,
    );
    const sample = r.gatewayRestart[0];
    return `## 3. Gateway stopped and started again

A fixed ${n(sample?.sentSpans ?? NaN)} spans (each its own trace and span id) at 400 spans/s through agent → gateway → Jaeger.
Jaeger is frozen (SIGSTOP) from the start, so exports pile up in the gateway. After the decision wait
plus 5 s, with traces both queued for export and still waiting for their sampling decision, the
gateway is stopped and started again 2 s later on the same ports and queue directory; then Jaeger
is let go and the spans it holds are counted (unique trace and span ids).

- **restart** is what Kubernetes does on a rollout, a node drain or an eviction: SIGTERM, then SIGKILL
  only if the process outlives the pod's \`terminationGracePeriodSeconds\` (${gatewayTerminationGraceSeconds} s, set by our component).
- **crash** is SIGKILL at once: an OOM kill or a node failure.

| stop | gateway export queue | spans sent | refused or failed at the agent | spans in Jaeger | lost | SIGTERM to exit |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

On SIGTERM the collector stops its receiver, tail_sampling decides every waiting trace on what has
arrived (\`drop_pending_traces_on_shutdown: false\`, rendered explicitly) and the exporter shuts down: the
persistent queue keeps on disk what Jaeger has not taken and sends it after the restart, the
in-memory queue loses it. A crash also loses the traces in tail_sampling's decision buffer, which
lives in memory whatever the queue ([upstream: no write-ahead log for it](https://github.com/open-telemetry/opentelemetry-collector-contrib/issues/26490));
the persistent queue still saves what was already decided.`;
}

function outageSection(r: BenchResults): string {
    const o = r.backendOutage;
    const step = Math.max(1, Math.ceil(o.timeline.length / 40));
    const points = o.timeline.filter((_, i) => i % step === 0);
    return `## 4. Jaeger outage

A fixed ${n(o.sentSpans)} spans at 400 spans/s through agent → gateway → Jaeger; Jaeger frozen (SIGSTOP) for ${o.outageSeconds} s
(seconds ${o.frozenFromSecond} to ${o.frozenToSecond} of the run), then resumed.

| spans sent | spans in Jaeger | lost | backlog drained after Jaeger is back | every span in Jaeger after Jaeger is back |
| --- | --- | --- | --- | --- |
| ${n(o.sentSpans)} | ${n(o.storedSpans)} | **${n(o.lost)}** | ${n(o.drainSeconds)} s | ${n(o.caughtUpSeconds, 1)} s |

*Drained* is when Jaeger holds every span the agent had accepted a decision wait earlier, i.e. when
it is where it would be without the outage (1 s resolution); *every span* adds the rest of the load
and the last traces' decision wait.

${chart(
    `Spans accepted by the agent (bars) and by Jaeger (line); Jaeger frozen s ${o.frozenFromSecond}-${o.frozenToSecond}`,
    points.map((p) => `${p.second}`),
    "spans",
    points.map((p) => p.agent),
    points.map((p) => p.jaeger),
)}`;
}

/** A variant's paired ratios to the plain app; results from before paired ratios fall back to the ratio of medians. */
function ratioToPlain(v: Overhead, plain: Overhead): OverheadRound {
    return (
        v.vsPlain ?? {
            requestsPerSecond: v.requestsPerSecond / plain.requestsPerSecond,
            p50Ms: v.p50Ms / plain.p50Ms,
            p99Ms: v.p99Ms / plain.p99Ms,
            cpuMsPerRequest: NaN,
        }
    );
}

function overheadSection(r: BenchResults, stacks: Record<string, StackConfig>): string {
    const o = r.instrumentationOverhead;
    const plain = o[0];
    const rows = o.map((v) => {
        const x = ratioToPlain(v, plain);
        return `| ${v.variant} | ${n(v.requestsPerSecond)} | ${n(v.p50Ms, 2)} | ${n(v.p99Ms, 2)} | ${n(v.cpuMsPerRequest ?? NaN, 3)} | ${n(x.requestsPerSecond, 2)} | ${n(x.p50Ms, 2)} | ${n(x.p99Ms, 2)} | ${n(x.cpuMsPerRequest, 2)} | ${v.rounds.map((y) => n(y.requestsPerSecond)).join(" / ")} |`;
    });
    return `## 5. Instrumentation overhead

The 3D-storage stand-in (Node.js) under a closed-loop load of 8 concurrent clients: without
instrumentation, with the auto-instrumentation the Operator injects (${r.nodeAgentVersion === undefined ? "agent version not recorded" : `auto-instrumentations-node ${r.nodeAgentVersion}`}) at the
head sampling both stacks deploy (${stacks.prod?.sampling.headPercent ?? "?"} % at the head; the prod stack keeps ${stacks.prod?.sampling.percent ?? "?"} % of ordinary
traces at the tail, in the gateway, which costs the app nothing), and with prod's keep share applied
at the head instead. The three run side by side and are measured in turn, ${o[0]?.rounds.length ?? 0} round(s), the order
rotating each round. The ratios are the medians of each round's ratio to the plain app in that same
round, so the machine's drift between rounds cancels; the load generator shares the cores, so
requests/s understates the app's own headroom, and the app's CPU per request is the steadier figure.

| variant | requests/s | p50 ms | p99 ms | app CPU ms / request | throughput / plain | p50 / plain | p99 / plain | CPU / request, / plain | requests/s per round |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}`;
}

function capacitySection(r: BenchResults, stacks: Record<string, StackConfig>): string {
    const rows = capacity(r.wire, stacks);
    return `## 6. Capacity

Measured: ${n(r.wire.otlpBytesPerSpan)} bytes per span on the wire (OTLP/gRPC from telemetrygen, uncompressed) and
${n(r.wire.storedJsonBytesPerSpan)} bytes per span as Jaeger stores it (its JSON span model, the Elasticsearch document
source), over ${n(r.wire.spans)} spans through the prod stack's agent (a \`pii.summary\` other than \`silent\` adds
its counts to every span, and \`debug\` the keys too). Elasticsearch storage below assumes ×${indexOverhead} for index structures on top of the
document (an assumption, not a measurement: no Elasticsearch runs here), the stack's tail-sampling
share of ordinary traces (errors and slow traces add to it), retention, replicas and the copies of
each span the team views keep (once in the all view, once more in each view that selects its
service: \`tracing:views\`), against ${lowWatermark * 100} % of the stack's PVCs (Elasticsearch's low watermark).

| stack | spans/s produced | kept | retention days | replicas | copies per span (views) | ES storage GiB | usable PVC GiB | |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.map((c) => `| ${c.stack} | ${n(c.rate)} | ${c.keptPercent} % | ${c.retentionDays} | ${c.replicas} | ${c.copies} (all${stacks[c.stack].views.map((v) => `, ${v.name}`).join("")}) | ${n(c.needGiB, 1)} | ${n(c.usableGiB, 0)} | ${c.needGiB <= c.usableGiB ? "fits" : "does not fit"} |`).join("\n")}

The stacks' PVC sizes follow from this table: ${capacityVerdict(rows, stacks)}.`;
}

export function renderReport(r: BenchResults, stacks: Record<string, StackConfig>): string {
    const restartPersistent = r.gatewayRestart.find((x) => x.stop === "restart" && x.persistentQueue);
    const [plain, instrumented] = r.instrumentationOverhead;
    const overhead = ratioToPlain(instrumented, plain);
    return `# Performance and reliability, measured

Generated by \`npm run bench\` on ${r.measuredAt} (${r.machine.cores} cores, Node ${r.machine.node}${r.quick ? ", **quick mode: short runs, not for quoting**" : ""}); the raw numbers are in
\`bench/results/\`. Every figure comes from the real binaries pinned in \`versions.json\` running our
rendered configurations on loopback, measured side by side in one run. The machine is shared and
noisy: compare ratios, not absolute numbers. The measurements took ${r.durationSeconds} s.

| figure | measured |
| --- | --- |
| agent: highest rate held for the confirmation run | ${n(r.throughput.agent.heldSpansPerSecond)} spans/s (bare collector: ${n(r.throughput.bare.heldSpansPerSecond)}) |
| agent CPU per 10 000 spans, and against a bare collector | ${r.throughput.cost === undefined ? `${n(r.throughput.agent.cpuSecondsPer10kSpans, 3)} CPU-s, ${n(r.throughput.agent.cpuSecondsPer10kSpans / r.throughput.bare.cpuSecondsPer10kSpans, 2)}×` : `${n(r.throughput.cost.agentMedian, 3)} CPU-s, ${n(r.throughput.cost.medianRatio, 2)}× (rounds ${r.throughput.cost.rounds.map((x) => n(x.ratio, 2)).join(", ")})`} |
| agent in a 10× burst, downstream frozen: peak RSS; refused | ${n(r.memoryBurst.peakRssMiB)} MiB of ${r.memoryBurst.containerLimitMiB} MiB, ${r.memoryBurst.survived ? "survived" : "**died**"}; ${n(r.memoryBurst.refused)} spans refused |
| spans lost across a gateway restart, persistent queue | ${n(restartPersistent?.lost ?? NaN)} of ${n(restartPersistent?.sentSpans ?? NaN)} |
| spans lost across a ${r.backendOutage.outageSeconds} s Jaeger outage; backlog drained in | ${n(r.backendOutage.lost)} of ${n(r.backendOutage.sentSpans)}; ${n(r.backendOutage.drainSeconds)} s |
| instrumented (100 % head) / plain: throughput, p99 latency, app CPU per request | ${n(overhead.requestsPerSecond, 2)}, ${n(overhead.p99Ms, 2)}, ${n(overhead.cpuMsPerRequest, 2)} |
| bytes per span: wire, stored | ${n(r.wire.otlpBytesPerSpan)} B, ${n(r.wire.storedJsonBytesPerSpan)} B |
| \`npm test\` | ${n(r.suite.npmTestSeconds, 1)} s |

${throughputSection(r)}

## 2. Memory bound

A burst offered at ${n(r.memoryBurst.offeredSpansPerSecond)} spans/s (10× the held rate; the generator delivers what the cores allow)
for ${r.memoryBurst.seconds} s into the agent started with the dev stack's bounds (container limit ${r.memoryBurst.containerLimitMiB} MiB →
memory_limiter at 80 % with a 25 % spike allowance, GOMEMLIMIT at 80 %), with its downstream frozen
so that spans pile up in the agent's export queue.

| peak RSS | container limit | accepted | refused by memory_limiter | first refusal | shed at a full export queue | process survived |
| --- | --- | --- | --- | --- | --- | --- |
| ${n(r.memoryBurst.peakRssMiB)} MiB | ${r.memoryBurst.containerLimitMiB} MiB | ${n(r.memoryBurst.accepted)} | ${n(r.memoryBurst.refused)} | ${r.memoryBurst.firstRefusalSecond === null ? "none" : `after ${r.memoryBurst.firstRefusalSecond} s`} | ${n(r.memoryBurst.dropped)} | ${r.memoryBurst.survived ? "yes" : "**no**"} |

A refusal goes back to the sender as a retryable error (the SDKs and agents retry it); nothing is
dropped silently inside the agent unless the shed column says so.

${restartSection(r)}

${outageSection(r)}

${overheadSection(r, stacks)}

${capacitySection(r, stacks)}

## 7. Suite speed

Measured at the end of the run, alone on the machine.

| command | seconds |
| --- | --- |
| \`npm test\` | ${n(r.suite.npmTestSeconds, 1)} |
| \`npm run check -- --stack dev --json\` | ${n(r.suite.checkDevSeconds, 1)} |
| \`npm run check -- --stack prod --json\` | ${n(r.suite.checkProdSeconds, 1)} |
`;
}
