// The safety net behind each suite's afterAll. Every process group an e2e run starts, and the epmd
// port of its RabbitMQ, are listed in <runDir>/pids (processes.ts `register`). The children run in
// process groups of their own (so a stop reaches e.g. PostgreSQL behind runuser), which also shields
// them from a Ctrl-C or a CI timeout meant for jest. So:
//   node reaper.js watch <jest pid> <runDir>   started detached by the globalSetup: when that jest
//                                              process is gone, however it went, kills what is listed;
//                                              leaves quietly once <runDir>/done exists;
//   node reaper.js now <runDir>                 kills what is listed at once (the globalTeardown).
"use strict";
const { execFileSync } = require("node:child_process");
const { existsSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

function killRegistered(runDir) {
    const file = join(runDir, "pids");
    if (!existsSync(file)) return [];
    const killed = [];
    const epmdPorts = [];
    for (const line of readFileSync(file, "utf8").split("\n")) {
        const [kind, id, name] = line.split(" ");
        if (kind === "group") {
            try {
                process.kill(-Number(id), "SIGKILL");
                killed.push(`${name} (${id})`);
            } catch {
                // already stopped, as it should be
            }
        } else if (kind === "epmd") {
            epmdPorts.push(Number(id));
        }
    }
    // The Erlang VM's epmd is a daemon outside the groups; it refuses -kill while a just-killed node is
    // still registered, hence the retries.
    for (const port of epmdPorts) {
        for (let i = 0; i < 10; i++) {
            try {
                execFileSync("epmd", ["-port", String(port), "-kill"], { stdio: "ignore", timeout: 3000 });
                break;
            } catch {
                execFileSync("sleep", ["0.5"]);
            }
        }
    }
    return killed;
}

const alive = (pid) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

const [mode, ...args] = process.argv.slice(2);
if (mode === "now") {
    const killed = killRegistered(args[0]);
    if (killed.length > 0) process.stdout.write(killed.join(", "));
} else if (mode === "watch") {
    const [pid, runDir] = [Number(args[0]), args[1]];
    const timer = setInterval(() => {
        if (existsSync(join(runDir, "done"))) {
            clearInterval(timer);
        } else if (!alive(pid)) {
            clearInterval(timer);
            killRegistered(runDir);
        }
    }, 1000);
} else {
    process.stderr.write("usage: reaper.js watch <pid> <runDir> | now <runDir>\n");
    process.exit(64);
}
