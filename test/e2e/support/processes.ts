import { ChildProcess, spawn } from "child_process";
import { createWriteStream, mkdtempSync } from "fs";
import { createServer, Socket } from "net";
import { tmpdir } from "os";
import { join } from "path";

/** A scratch directory for one test run; logs of every process land in it. */
export const runDir = mkdtempSync(join(tmpdir(), "tracing-e2e-"));

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.unref();
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            const port = typeof address === "object" && address !== null ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}

export interface Started {
    name: string;
    child: ChildProcess;
    log: string;
}

const started: Started[] = [];

/** Starts a process in its own process group, logging to runDir/<name>.log. */
export function start(name: string, command: string, args: string[], env: Record<string, string> = {}, cwd?: string): Started {
    const log = join(runDir, `${name}.log`);
    const out = createWriteStream(log);
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const s = { name, child, log };
    started.push(s);
    return s;
}

export async function stop(s: Started, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (s.child.exitCode !== null || s.child.pid === undefined) return;
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
    }, 5000);
    await exited;
    clearTimeout(timer);
}

/** Stops everything this run started, newest first. */
export async function stopAll(): Promise<void> {
    for (const s of started.reverse()) await stop(s);
    started.length = 0;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30000, everyMs = 250): Promise<void> {
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
