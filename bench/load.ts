import { spawn } from "child_process";
import { tools } from "../test/e2e/support/tools";

export interface Load {
    endpoint: string;
    spansPerSecond: number;
    seconds: number;
    service: string;
    statusCode?: "Error" | "Unset";
    spanDuration?: string;
}

/**
 * telemetrygen at a given span rate: traces of one root and one child, spread over 4 workers.
 * Its --rate limits spans (not traces) per second per worker, as measured.
 */
export function sendLoad(load: Load): Promise<void> {
    const workers = 4;
    const spansPerWorker = load.spansPerSecond / workers;
    const args = ["traces", "--otlp-endpoint", load.endpoint, "--otlp-insecure", "--workers", String(workers), "--rate", String(spansPerWorker), "--duration", `${load.seconds}s`, "--child-spans", "1", "--service", load.service];
    if (load.statusCode !== undefined) args.push("--status-code", load.statusCode);
    if (load.spanDuration !== undefined) args.push("--span-duration", load.spanDuration);
    return new Promise((resolve, reject) => {
        const child = spawn(tools.telemetrygen(), args, { stdio: "ignore" });
        const timer = setTimeout(() => child.kill("SIGKILL"), (load.seconds + 30) * 1000);
        child.on("exit", () => {
            clearTimeout(timer);
            resolve();
        });
        child.on("error", reject);
    });
}

/** A fixed number of traces (2 spans each), as fast as the pipeline takes them. */
export function sendTraces(endpoint: string, traces: number, service: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn(tools.telemetrygen(), ["traces", "--otlp-endpoint", endpoint, "--otlp-insecure", "--traces", String(traces), "--child-spans", "1", "--rate", "500", "--service", service], { stdio: "ignore" });
        child.on("exit", () => resolve());
        child.on("error", reject);
    });
}
