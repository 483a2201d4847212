import { join } from "path";
import { freePort, start, waitFor } from "./processes";

export const servicesDir = join(__dirname, "..", "..", "..", "e2e", "services");

export interface StandIns {
    shop: string;
    crm: string;
    mes: string;
    storage: string;
}

export interface StandInOptions {
    /** Prefix of the process (and log) names, so a second set can run beside the first. */
    prefix?: string;
    /** The RabbitMQ exchange the set's events travel through: a second set must not steal the first's messages. */
    exchange?: string;
    /** How long MES API's /orders/<id>/slow route takes. */
    slowMs?: number;
}

/**
 * Starts the stand-ins the way the OpenTelemetry Operator injects Node.js: the auto-instrumentation
 * preloaded through NODE_OPTIONS and configured only through OTEL_* variables (the Instrumentation's
 * endpoint, protocol and propagators). Service names are the workloads' names in the stacks.
 */
export async function startStandIns(agentOtlpHttpPort: number, pg: (db: string) => string, amqpUrl: string, options: StandInOptions = {}): Promise<StandIns> {
    const prefix = options.prefix ?? "";
    const otel = {
        NODE_OPTIONS: "--require @opentelemetry/auto-instrumentations-node/register",
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${agentOtlpHttpPort}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        OTEL_TRACES_EXPORTER: "otlp",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_LOGS_EXPORTER: "none",
        OTEL_PROPAGATORS: "tracecontext,baggage",
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "1",
        OTEL_BSP_SCHEDULE_DELAY: "200",
        // No cloud detectors: they would probe metadata addresses outside loopback.
        OTEL_NODE_RESOURCE_DETECTORS: "env,host,os,process",
        AMQP_EXCHANGE: options.exchange ?? "orders",
    };
    const ports = { shop: await freePort(), crm: await freePort(), mes: await freePort(), storage: await freePort() };
    const url = (port: number): string => `http://127.0.0.1:${port}`;
    const run = (name: string, script: string, port: number, env: Record<string, string>): void => {
        start(`${prefix}${name}`, process.execPath, [join(servicesDir, script)], { ...otel, OTEL_SERVICE_NAME: name, PORT: String(port), ...env }, servicesDir);
    };
    run("storage-3d", "storage-3d.js", ports.storage, {});
    run("shop-api", "shop-api.js", ports.shop, { DATABASE_URL: pg("shop") });
    run("crm-api", "crm-api.js", ports.crm, { DATABASE_URL: pg("crm"), AMQP_URL: amqpUrl });
    run("mes-api", "mes-api.js", ports.mes, { DATABASE_URL: pg("mes"), AMQP_URL: amqpUrl, STORAGE_URL: url(ports.storage), SLOW_MS: String(options.slowMs ?? 1500) });
    for (const [name, port] of Object.entries(ports)) {
        await waitFor(`${prefix}${name} to listen`, async () => {
            await fetch(url(port));
            return true;
        });
    }
    return { shop: url(ports.shop), crm: url(ports.crm), mes: url(ports.mes), storage: url(ports.storage) };
}
