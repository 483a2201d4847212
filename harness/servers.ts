import { execFileSync } from "child_process";
import { chmodSync, mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { freePort, portOpen, register, runDir, runRoot, start, Started, waitFor } from "./processes";

/** PostgreSQL refuses to run as root; as root the server runs as the `postgres` user. */
const asPostgres = (command: string, args: string[]): [string, string[]] =>
    process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];

function pgBin(name: string): string {
    const found = execFileSync(
        "bash",
        ["-c", `ls -d /usr/lib/postgresql/*/bin/${name} 2>/dev/null | sort -V | tail -1 || true`],
        { encoding: "utf8" },
    ).trim();
    return found !== "" ? found : name;
}

export interface Postgres {
    port: number;
    url: (database: string) => string;
    /** Runs SQL through psql, outside the traced services (test fixtures). */
    sql(database: string, statement: string): void;
    /** A query's result as psql prints it unaligned, rows on lines, columns joined by "|". */
    query(database: string, statement: string): string;
    server: Started;
}

const schema: Record<string, string[]> = {
    shop: [
        "CREATE TABLE shop_orders (order_id text PRIMARY KEY, customer_email text)",
        "CREATE TABLE shop_customers (email text, phone text, card_number text)",
    ],
    crm: ["CREATE TABLE orders (order_id text PRIMARY KEY, item text, status text, price integer, note text)"],
    mes: ["CREATE TABLE production_orders (order_id text PRIMARY KEY, status text)"],
};

/** A throwaway PostgreSQL cluster on loopback with the shop, crm and mes databases. */
export async function startPostgres(): Promise<Postgres> {
    const port = await freePort();
    // One cluster per start: initdb refuses a directory another suite of the run initialised.
    const data = join(runDir, `pgdata-${port}`);
    const socketDir = join(runDir, "pgsock");
    mkdirSync(socketDir, { recursive: true });
    // The postgres user creates its cluster in the suite's directory, under the run's (mkdtemp: 0700).
    if (runDir !== runRoot) chmodSync(runRoot, 0o711);
    chmodSync(runDir, 0o777);
    chmodSync(socketDir, 0o777);
    const [initdb, initArgs] = asPostgres(pgBin("initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]);
    execFileSync(initdb, initArgs, { stdio: "ignore" });
    const [postgres, args] = asPostgres(pgBin("postgres"), [
        "-D",
        data,
        "-p",
        String(port),
        "-k",
        socketDir,
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
    ]);
    // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect).
    const server = start("postgres", postgres, args, {}, undefined, "SIGINT");
    await waitFor("PostgreSQL", () => portOpen(port), 30000);
    const psql = (db: string, sql: string): void => {
        execFileSync(
            "psql",
            ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qc", sql],
            { stdio: "ignore" },
        );
    };
    await waitFor("PostgreSQL to accept queries", async () => {
        psql("postgres", "SELECT 1");
        return true;
    });
    for (const [db, statements] of Object.entries(schema)) {
        psql("postgres", `CREATE DATABASE ${db}`);
        for (const sql of statements) psql(db, sql);
    }
    const query = (db: string, sql: string): string =>
        execFileSync(
            "psql",
            ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
            { encoding: "utf8" },
        ).trim();
    return { port, url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`, sql: psql, query, server };
}

export interface RabbitMq {
    url: string;
    server: Started;
    epmdPort: number;
}

/** A throwaway RabbitMQ node on loopback, with its own epmd port and data directories. */
export async function startRabbitMq(): Promise<RabbitMq> {
    const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
    const base = join(runDir, "rabbitmq");
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, "enabled_plugins"), "[].\n");
    writeFileSync(
        join(base, "rabbitmq.conf"),
        "loopback_users = none\nlisteners.tcp.default = 127.0.0.1:" + port + "\n",
    );
    const env = {
        HOME: base,
        RABBITMQ_NODENAME: `e2e${port}@localhost`,
        RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
        RABBITMQ_NODE_PORT: String(port),
        RABBITMQ_DIST_PORT: String(distPort),
        RABBITMQ_MNESIA_BASE: join(base, "mnesia"),
        RABBITMQ_LOG_BASE: join(base, "log"),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(base, "enabled_plugins"),
        RABBITMQ_CONFIG_FILE: join(base, "rabbitmq"),
        ERL_EPMD_ADDRESS: "127.0.0.1",
        ERL_EPMD_PORT: String(epmdPort),
    };
    // The Erlang VM starts its own epmd daemon (outside our process group) on this port, loopback only.
    register("epmd", epmdPort, "epmd");
    const server = start("rabbitmq", "/usr/lib/rabbitmq/bin/rabbitmq-server", [], env);
    await waitFor("RabbitMQ", () => portOpen(port), 90000, 500);
    return { url: `amqp://guest:guest@127.0.0.1:${port}`, server, epmdPort };
}

/** epmd is started by the Erlang VM as a daemon of its own; ask it to leave. */
export function stopEpmd(rabbit: RabbitMq): void {
    try {
        execFileSync("epmd", ["-port", String(rabbit.epmdPort), "-kill"], {
            stdio: "ignore",
            env: { ...process.env, ERL_EPMD_PORT: String(rabbit.epmdPort) },
        });
    } catch {
        /* already gone */
    }
}
