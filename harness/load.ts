import { spawn } from "child_process";
import { tools } from "./tools";

export interface Load {
    endpoint: string;
    spansPerSecond: number;
    seconds: number;
    service: string;
    statusCode?: "Error" | "Unset";
    spanDuration?: string;
    /** Ends the load early (telemetrygen is stopped) when aborted. */
    signal?: AbortSignal;
}

/**
 * telemetrygen at a given span rate: traces of one root and one child, spread over 4 workers.
 * Its --rate limits spans (not traces) per second per worker, as measured.
 */
export function sendLoad(load: Load): Promise<void> {
    const workers = 4;
    const spansPerWorker = load.spansPerSecond / workers;
    const args = [
        "traces",
        "--otlp-endpoint",
        load.endpoint,
        "--otlp-insecure",
        "--workers",
        String(workers),
        "--rate",
        String(spansPerWorker),
        "--duration",
        `${load.seconds}s`,
        "--child-spans",
        "1",
        "--service",
        load.service,
    ];
    if (load.statusCode !== undefined) args.push("--status-code", load.statusCode);
    if (load.spanDuration !== undefined) args.push("--span-duration", load.spanDuration);
    return new Promise((resolve, reject) => {
        const child = spawn(tools.telemetrygen(), args, { stdio: "ignore", signal: load.signal });
        const timer = setTimeout(() => child.kill("SIGKILL"), (load.seconds + 30) * 1000);
        child.on("exit", () => {
            clearTimeout(timer);
            resolve();
        });
        // An abort is the caller's early end, not a failure.
        child.on("error", (e) => (load.signal?.aborted === true ? undefined : reject(e)));
    });
}

export interface FixedLoad {
    endpoint: string;
    /** Spans to send in all: traces of a root and one child, spread evenly over 4 workers. */
    spans: number;
    spansPerSecond: number;
    service: string;
}

/** Exactly `spans` spans (each with its own trace and span id) at about `spansPerSecond`. */
export function sendSpans(load: FixedLoad): Promise<void> {
    const workers = 4;
    const tracesPerWorker = load.spans / (2 * workers);
    if (!Number.isInteger(tracesPerWorker))
        throw new Error(`sendSpans: ${load.spans} spans do not split into 2-span traces over ${workers} workers`);
    const args = [
        "traces",
        "--otlp-endpoint",
        load.endpoint,
        "--otlp-insecure",
        "--workers",
        String(workers),
        "--rate",
        String(load.spansPerSecond / workers),
        "--traces",
        String(tracesPerWorker),
        "--child-spans",
        "1",
        "--service",
        load.service,
    ];
    return new Promise((resolve, reject) => {
        const child = spawn(tools.telemetrygen(), args, { stdio: "ignore" });
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`telemetrygen exited with ${code}`))));
        child.on("error", reject);
    });
}
