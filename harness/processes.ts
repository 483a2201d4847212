import { ChildProcess, spawn } from "child_process";
import { appendFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync } from "fs";
import { createServer, Socket } from "net";
import { tmpdir } from "os";
import { basename, join } from "path";

/**
 * A scratch directory for one test run. The jest globalSetup creates it (E2E_RUN_DIR); whatever is
 * registered in its `pids` file is killed by the globalTeardown, or by the reaper when jest itself is
 * interrupted (see reaper.js).
 */
export const runRoot = process.env.E2E_RUN_DIR ?? mkdtempSync(join(tmpdir(), "tracing-e2e-"));
export const pidsFile = join(runRoot, "pids");

/**
 * Where logs, configs and data of this suite's processes land: a directory per test file under the
 * run's, since suites run side by side on two workers and name their processes alike ("gateway").
 * Outside jest (the benchmarks), the run's directory itself.
 */
function suiteDir(): string {
    const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
    return testPath === undefined ? runRoot : join(runRoot, basename(testPath).replace(/\.test\.ts$/, ""));
}
export const runDir = suiteDir();
mkdirSync(runDir, { recursive: true });

/** Records a process group (or an epmd port) for the teardown's safety net. */
export function register(kind: "group" | "epmd", id: number, name: string): void {
    appendFileSync(pidsFile, `${kind} ${id} ${name}\n`);
}

/**
 * Ports for our servers come from below the kernel's ephemeral range: a port taken from inside it
 * (listen on 0, close, hand out) can be picked as the source port of any outgoing connection before
 * our server binds it, which concurrent pipelines made happen. Outside it only our own servers bind,
 * and each port is handed out once per run.
 */
function ephemeralLow(): number {
    try {
        const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
        return Number.isInteger(low) && low > 2048 ? low : 32768;
    } catch {
        return 32768;
    }
}
/**
 * Each jest worker draws from its own slice of the range: suites running side by side never hand out
 * the same port, even before either has bound it.
 */
function workerPortRange(): { from: number; to: number } {
    const slices = 4;
    const worker = (Number(process.env.JEST_WORKER_ID ?? "1") - 1) % slices;
    const size = Math.floor((ephemeralLow() - 1 - 1025) / slices);
    const from = 1025 + worker * size;
    return { from: from + Math.floor(Math.random() * Math.min(1000, size / 4)), to: from + size - 1 };
}
const portRange = workerPortRange();
const handedOut = new Set<number>();
let nextPort = portRange.from + Math.floor(Math.random() * (portRange.to - portRange.from));

function canListen(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = createServer();
        server.unref();
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

/**
 * Ports the Fetch standard blocks ("bad ports", above 1024): Node's fetch refuses them with "bad
 * port", so a health check probed with fetch would never pass on one (a gateway-restart run once
 * drew 6668 for an agent's health endpoint).
 */
const fetchBlockedPorts = new Set([
    1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** A free TCP port on loopback, outside the ephemeral range, not handed out before in this run. */
export async function freePort(): Promise<number> {
    for (let tries = 0; tries < portRange.to - portRange.from; tries++) {
        const port = nextPort;
        nextPort = nextPort >= portRange.to ? portRange.from : nextPort + 1;
        if (handedOut.has(port) || fetchBlockedPorts.has(port)) continue;
        handedOut.add(port);
        if (await canListen(port)) return port;
    }
    throw new Error(`no free port on 127.0.0.1 between ${portRange.from} and ${portRange.to}`);
}

export interface Started {
    name: string;
    child: ChildProcess;
    log: string;
    /** What ends it gracefully: SIGTERM, or SIGINT for PostgreSQL's fast shutdown. */
    stopSignal: NodeJS.Signals;
}

const started: Started[] = [];

/** Starts a process in its own process group, logging to runDir/<name>.log. */
export function start(
    name: string,
    command: string,
    args: string[],
    env: Record<string, string> = {},
    cwd?: string,
    stopSignal: NodeJS.Signals = "SIGTERM",
): Started {
    const log = join(runDir, `${name}.log`);
    // Appended: a process started again under the same name (a restart) keeps the earlier run's log.
    const out = createWriteStream(log, { flags: "a" });
    const child = spawn(command, args, {
        cwd,
        env: { ...process.env, ...env },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    if (child.pid !== undefined) register("group", child.pid, name);
    const s = { name, child, log, stopSignal };
    started.push(s);
    return s;
}

/** Sends `signal` to the process group and, like the kubelet after its grace period, SIGKILL after `graceMs`. */
export async function stop(s: Started, signal: NodeJS.Signals = s.stopSignal, graceMs = 5000): Promise<void> {
    if (s.child.exitCode !== null || s.child.signalCode !== null || s.child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => s.child.once("exit", () => resolve()));
    try {
        process.kill(-s.child.pid, signal);
    } catch {
        return;
    }
    const timer = setTimeout(() => {
        try {
            if (s.child.pid !== undefined) process.kill(-s.child.pid, "SIGKILL");
        } catch {
            /* already gone */
        }
    }, graceMs);
    await exited;
    clearTimeout(timer);
    // Stragglers of the group whose leader already left (e.g. helpers of the Erlang VM).
    try {
        process.kill(-s.child.pid, "SIGKILL");
    } catch {
        /* none */
    }
}

/** Stops everything this run started, newest first; returns how long each took (ms). */
export async function stopAll(): Promise<Record<string, number>> {
    const took: Record<string, number> = {};
    for (const s of started.reverse()) {
        const t = Date.now();
        await stop(s);
        took[s.name] = Date.now() - t;
    }
    started.length = 0;
    return took;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function waitFor(
    what: string,
    check: () => Promise<boolean>,
    timeoutMs = 30000,
    everyMs = 250,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        try {
            if (await check()) return;
        } catch {
            /* not yet */
        }
        await sleep(everyMs);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (logs in ${runDir})`);
}

export function portOpen(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = new Socket();
        socket.setTimeout(500);
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
        socket.once("timeout", () => {
            socket.destroy();
            resolve(false);
        });
        socket.connect(port, "127.0.0.1");
    });
}

export async function httpOk(url: string): Promise<boolean> {
    const res = await fetch(url);
    return res.ok;
}
