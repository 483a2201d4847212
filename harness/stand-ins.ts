import { existsSync } from "fs";
import { join } from "path";
import type { InstrumentationSpec } from "../renderers/instrumentation";
import { projectDir, simulateVariant } from "./project";
import { InjectedWorkload, injectedWorkloads, operatorEnv, renderedInstrumentations } from "./operator-injection";
import { freePort, start, Started, waitFor } from "./processes";
import type { Postgres } from "./servers";
import { crmApiJar, tools } from "./tools";

export const servicesDir = join(projectDir, "e2e", "services");
/** The file the Operator's Node.js image preloads (it is this package's register.js, renamed). */
const nodeRegister = (): string =>
    require.resolve("@opentelemetry/auto-instrumentations-node/register", { paths: [servicesDir] });

export interface StandIns {
    shop: string;
    crm: string;
    mes: string;
    storage: string;
    /** The running processes, by service (a test stops one to see what the platform makes of it). */
    processes: Record<"shop" | "crm" | "mes" | "storage", Started>;
}

export interface StandInOptions {
    /** Prefix of the process (and log) names, so a second set can run beside the first. */
    prefix?: string;
    /** The RabbitMQ exchange the set's events travel through: a second set must not steal the first's messages. */
    exchange?: string;
    /** How long MES API's /orders/<id>/slow route takes. */
    slowMs?: number;
}

/** What a stack tells the Operator: its Instrumentation and the workloads it injects. */
export interface Injection {
    spec: InstrumentationSpec;
    workloads: Map<string, InjectedWorkload>;
}

/**
 * The Instrumentation and injected workloads exactly as the program renders them for `stack` (the
 * committed stack file, under Pulumi mocks).
 */
export function renderedInjection(stack: string): Injection {
    const resources = simulateVariant(stack, {});
    const workloads = injectedWorkloads(resources);
    const specs = renderedInstrumentations(resources);
    const refs = [...new Set(workloads.map((w) => w.instrumentation))];
    if (refs.length !== 1)
        throw new Error(
            `stack ${stack}: expected the workloads to share one Instrumentation, found ${JSON.stringify(refs)}`,
        );
    const spec = specs.get(refs[0]);
    if (spec === undefined)
        throw new Error(
            `stack ${stack}: the workloads refer to Instrumentation ${refs[0]}, which the program does not render`,
        );
    return { spec, workloads: new Map(workloads.map((w) => [w.name, w])) };
}

/**
 * Starts the stand-ins with the environment the OpenTelemetry Operator gives the stack's workloads
 * (operatorEnv): Shop API and MES API on the Node.js agent, CRM API (Java in the stacks) as a Spring
 * Boot service on the pinned Java agent. MES is .NET in the stacks; no .NET runtime is reachable
 * here, so its stand-in runs the Node.js agent with the Instrumentation's common settings. The 3D
 * file storage is not a workload of the stacks; its stand-in gets what a Node.js workload would.
 *
 * Adapted, as the only differences from a pod: the exporter's address (the agent on loopback), the
 * agents' file paths, and Node.js resource detectors without the cloud ones, which would call
 * metadata addresses outside loopback.
 */
export async function startStandIns(
    agentOtlpHttpPort: number,
    pg: (db: string) => string,
    amqpUrl: string,
    injection: Injection,
    options: StandInOptions = {},
): Promise<StandIns> {
    const prefix = options.prefix ?? "";
    const ports = { shop: await freePort(), crm: await freePort(), mes: await freePort(), storage: await freePort() };
    const url = (port: number): string => `http://127.0.0.1:${port}`;
    const loopback = (endpoint: string): string => {
        const u = new URL(endpoint);
        u.host = `127.0.0.1:${agentOtlpHttpPort}`;
        return u.toString().replace(/\/$/, "");
    };
    const workload = (name: string): InjectedWorkload => {
        const w = injection.workloads.get(name);
        if (w === undefined)
            throw new Error(
                `the stack injects no workload named ${name} (it has ${[...injection.workloads.keys()].join(", ")})`,
            );
        return w;
    };
    const envOf = (
        w: InjectedWorkload,
        language: "java" | "nodejs",
        own: Record<string, string>,
    ): Record<string, string> =>
        operatorEnv(
            injection.spec,
            w,
            language,
            { podName: `${prefix}${w.name}-e2e`, nodeName: "e2e-node", imageTag: "e2e", podIp: "127.0.0.1" },
            { javaAgentJar: tools.javaAgent(), nodeRegister: nodeRegister() },
            language === "nodejs" ? { OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process", ...own } : own,
            loopback,
        );
    const events = { AMQP_URL: amqpUrl, AMQP_EXCHANGE: options.exchange ?? "orders" };
    const node = (w: InjectedWorkload, script: string, port: number, own: Record<string, string>): Started =>
        start(
            `${prefix}${w.name}`,
            process.execPath,
            [join(servicesDir, script)],
            envOf(w, "nodejs", { PORT: String(port), ...own }),
            servicesDir,
        );

    const crm = workload("crm-api");
    if (crm.language !== "java")
        throw new Error(`the CRM API stand-in is the Java service, but the stack declares crm-api as ${crm.language}`);
    if (!existsSync(crmApiJar)) throw new Error(`${crmApiJar} is missing: run bash scripts/e2e-install.sh`);
    const processes = {
        crm: start(
            `${prefix}crm-api`,
            "java",
            ["-jar", crmApiJar],
            envOf(crm, "java", { PORT: String(ports.crm), DATABASE_URL: pg("crm"), ...events }),
        ),
        storage: node(
            { ...workload("shop-api"), name: "storage-3d", namespace: "storage" },
            "storage-3d.js",
            ports.storage,
            {},
        ),
        shop: node(workload("shop-api"), "shop-api.js", ports.shop, { DATABASE_URL: pg("shop") }),
        mes: node(workload("mes-api"), "mes-api.js", ports.mes, {
            DATABASE_URL: pg("mes"),
            STORAGE_URL: url(ports.storage),
            SLOW_MS: String(options.slowMs ?? 1500),
            ...events,
        }),
    };
    for (const [name, port] of Object.entries(ports)) {
        // The JVM with the agent and Spring Boot takes its time on two cores.
        await waitFor(
            `${prefix}${name} to listen`,
            async () => {
                await fetch(url(port));
                return true;
            },
            name === "crm" ? 120000 : 30000,
        );
    }
    return { shop: url(ports.shop), crm: url(ports.crm), mes: url(ports.mes), storage: url(ports.storage), processes };
}

/**
 * Runs each route and consumer of a set once, as a deployed service has been before the requests
 * that matter: a cold JVM takes about a second over its first message (class loading under the
 * agent), which makes that trace slower than slowTraceMs and so kept by tail sampling. Waits for the
 * rows the warm-up writes, not for time.
 */
export async function warmUp(apps: StandIns, pg: Postgres, prefix = ""): Promise<void> {
    const id = `warm-up-${prefix}${Date.now().toString(36)}`;
    const send = async (method: string, url: string, body?: object): Promise<void> => {
        const res = await fetch(url, {
            method,
            headers: { "x-order-id": id, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`warm-up ${method} ${url}: HTTP ${res.status} ${await res.text()}`);
    };
    await send("PUT", `${apps.mes}/orders/${id}`, { item: "ring" });
    await waitFor(
        `CRM API to record the warm-up order ${id}`,
        async () => pg.query("crm", `SELECT count(*) FROM orders WHERE order_id = '${id}'`) === "1",
        60000,
    );
    await send("POST", `${apps.mes}/orders/${id}/price`);
    await waitFor(
        `CRM API to record the warm-up price`,
        async () =>
            pg.query("crm", `SELECT count(*) FROM orders WHERE order_id = '${id}' AND price IS NOT NULL`) === "1",
        60000,
    );
    await send("POST", `${apps.crm}/orders/${id}/confirm`);
    await waitFor(
        `MES API to queue the warm-up order`,
        async () => pg.query("mes", `SELECT count(*) FROM production_orders WHERE order_id = '${id}'`) === "1",
        60000,
    );
    await send("GET", `${apps.mes}/orders/${id}/active`);
    await send("POST", `${apps.shop}/orders/${id}`, {});
}
