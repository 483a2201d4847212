/**
 * `npm run bench`: measures the rendered pipeline with the real binaries (see docs/performance.md)
 * and writes bench/results/<time>.json and docs/performance.md. Not a test: it reports numbers.
 */
import { execFileSync } from "child_process";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { parseArgs } from "util";
import { parseStackConfig } from "../config/config";
import { readStackFile } from "../config/stack-file";
import { stopAll } from "../harness/processes";
import { projectDir } from "../harness/project";
import type { StackConfig } from "../config/schema";
import { BenchResults, renderReport } from "./report";
import { backendOutage, gatewayRestart } from "../harness/resilience";
import {
    captureProfile,
    costRate,
    dev,
    memoryBurst,
    pairedCost,
    prod as prodStack,
    profileShares,
    spanMetricsCost,
    startAgent,
    startBare,
    startProfiledAgent,
    stop,
    throughput,
} from "./throughput";
import { instrumentationOverhead, wireSize } from "./wire";

let args: { quick?: boolean; "report-only"?: string; out?: string };
try {
    args = parseArgs({
        options: {
            quick: { type: "boolean" },
            /** Re-render the report from a results file with the current stack configs. */
            "report-only": { type: "string" },
            /** Write results.json and performance.md there instead of bench/results/ and docs/ (CI's smoke run). */
            out: { type: "string" },
        },
    }).values;
} catch (err) {
    process.stderr.write(
        `bench: ${err instanceof Error ? err.message : String(err)}\nusage: npm run bench [-- --quick] [--out DIR] [--report-only RESULTS.json]\n`,
    );
    process.exit(64);
}
const quick = args.quick === true;
const reportOnly = args["report-only"];
const outDir = args.out;
const reportFile = outDir === undefined ? join(projectDir, "docs", "performance.md") : join(outDir, "performance.md");
const stepSeconds = quick ? 5 : 8;
const confirmSeconds = quick ? 9 : 60;

function timed(command: string, args: string[]): number {
    const t = Date.now();
    execFileSync(command, args, { cwd: projectDir, stdio: "ignore" });
    return Math.round((Date.now() - t) / 100) / 10;
}

function stackConfigs(): Record<string, StackConfig> {
    return Object.fromEntries(["dev", "prod"].map((s) => [s, parseStackConfig(readStackFile(projectDir, s))]));
}

const stacks = stackConfigs();
const prod = stacks.prod;

async function main(): Promise<void> {
    if (reportOnly !== undefined) {
        writeFileSync(reportFile, renderReport(JSON.parse(readFileSync(reportOnly, "utf8")) as BenchResults, stacks));
        return;
    }
    const started = Date.now();
    const log = (s: string): void =>
        void process.stdout.write(`bench: ${s} (${Math.round((Date.now() - started) / 1000)} s)\n`);

    // 1. Throughput: the prod stack's agent pipeline (to a sink collector) and a bare collector, side by side.
    const sink = await startBare("sink");
    const { agent, pprofPort } = await startProfiledAgent(
        "bench-agent",
        prodStack,
        sink.listen.otlpGrpcPort,
        prodStack.collector.agent.memoryMiB,
    );
    const bare = await startBare("bare");
    const [agentRun, bareRun] = await throughput(
        [
            { label: "agent", collector: agent },
            { label: "bare", collector: bare },
        ],
        stepSeconds,
        confirmSeconds,
    );
    log(`agent held ${agentRun.heldSpansPerSecond} spans/s, bare ${bareRun.heldSpansPerSecond} spans/s`);

    // 1b. CPU per span, agent against bare, in alternating windows at fixed rates (the per-span cost
    // falls as the rate rises: some of the agent's work is per second, not per span); the agent is
    // profiled over the headline rate's rounds to say where its time goes.
    const dir = outDir ?? join(projectDir, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const profileFile = join(dir, "agent-cpu.pprof");
    const window = quick ? 6 : 20;
    const cost = await pairedCost(agent, bare, costRate, 3, window, (seconds) =>
        captureProfile(pprofPort, seconds, profileFile),
    );
    const profile = profileShares(profileFile);
    const costAtHalf = await pairedCost(agent, bare, costRate / 2, 3, window);
    for (const c of [cost, costAtHalf])
        log(
            `agent/bare CPU per span at ${c.spansPerSecond}/s: ${c.rounds.map((r) => r.ratio.toFixed(2)).join(", ")} (median ${c.medianRatio.toFixed(2)})`,
        );
    for (const c of [agent, bare]) await stop(c.process);

    // 1c. What counting every span (the gateway's span metrics) costs the gateway, in alternating windows.
    const spanMetrics = await spanMetricsCost(sink.listen.otlpGrpcPort, costRate, 3, window);
    log(
        `gateway with/without span metrics, CPU per span at ${spanMetrics.cost.spansPerSecond}/s: ${spanMetrics.cost.rounds.map((r) => r.ratio.toFixed(2)).join(", ")} (median ${spanMetrics.cost.medianRatio.toFixed(2)}); ${spanMetrics.series} series`,
    );

    // 2. Memory bound: ten times the held rate into an agent bounded like the dev stack.
    const devAgent = await startAgent("burst-agent", dev, sink.listen.otlpGrpcPort, dev.collector.agent.memoryMiB);
    const burstRate = Math.max(agentRun.heldSpansPerSecond, 2000) * 10;
    const burst = await memoryBurst(devAgent, sink, dev.collector.agent.memoryMiB, burstRate, quick ? 8 : 45);
    log(`burst peak RSS ${burst.peakRssMiB} MiB`);
    for (const c of [devAgent, sink]) await stop(c.process);

    // 3, 4 and 6a. Gateway restarts and crashes, a Jaeger outage, bytes per span: light loads (400
    // spans/s) whose results are counts, not timings, so they share the machine and run together.
    const restartSpans = quick ? 6000 : 12000;
    const [restarts, outage, wire] = await Promise.all([
        Promise.all([
            gatewayRestart(true, "restart", restartSpans),
            gatewayRestart(false, "restart", restartSpans),
            gatewayRestart(true, "crash", restartSpans),
            gatewayRestart(false, "crash", restartSpans),
        ]),
        backendOutage(quick ? 10 : 30),
        wireSize(),
    ]);
    for (const r of restarts)
        log(
            `gateway ${r.stop} with ${r.persistentQueue ? "persistent" : "in-memory"} queue: lost ${r.lost} of ${r.sentSpans}`,
        );
    log(`outage: lost ${outage.lost}, drained in ${outage.drainSeconds} s; wire ${wire.otlpBytesPerSpan} B/span`);

    // 5. Instrumentation overhead, alone on the machine: it measures latency.
    const overhead = await instrumentationOverhead(3, quick ? 1 : 6, prod.sampling.percent);
    log(`overhead: ${overhead.map((o) => `${o.requestsPerSecond} req/s`).join(", ")}`);

    // 7. Suite speed.
    const suite = {
        npmTestSeconds: timed("npm", ["test", "--silent"]),
        checkDevSeconds: timed("npm", ["run", "--silent", "check", "--", "--stack", "dev", "--json"]),
        checkProdSeconds: timed("npm", ["run", "--silent", "check", "--", "--stack", "prod", "--json"]),
    };

    const results: BenchResults = {
        measuredAt: new Date().toISOString(),
        quick,
        machine: { cores: (await import("os")).cpus().length, node: process.version },
        throughput: {
            agent: agentRun,
            bare: bareRun,
            ratio: bareRun.heldSpansPerSecond > 0 ? agentRun.heldSpansPerSecond / bareRun.heldSpansPerSecond : NaN,
            cost,
            costAtHalf,
            profile,
        },
        spanMetrics,
        memoryBurst: burst,
        gatewayRestart: restarts,
        backendOutage: outage,
        instrumentationOverhead: overhead,
        nodeAgentVersion: (
            JSON.parse(
                readFileSync(
                    join(
                        projectDir,
                        "e2e",
                        "node_modules",
                        "@opentelemetry",
                        "auto-instrumentations-node",
                        "package.json",
                    ),
                    "utf8",
                ),
            ) as { version: string }
        ).version,
        wire,
        suite,
        durationSeconds: Math.round((Date.now() - started) / 1000),
    };
    const file = join(dir, `${results.measuredAt.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(reportFile, renderReport(results, stacks));
    log(`wrote ${file} and ${reportFile}`);
}

main()
    .catch((err: unknown) => {
        process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
    })
    .finally(() => stopAll());
