import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { renderAgentConfig } from "../renderers/agent-config";
import { goMemLimit, toCollectorYaml } from "../renderers/collector-common";
import type { ListenAddresses } from "../renderers/collector-types";
import { GatewayView, queueBytesFor, renderGatewayConfig } from "../renderers/gateway-config";
import { renderJaegerConfig, toJaegerYaml } from "../renderers/jaeger-config";
import type { SamplingConfig, StackConfig } from "../config/schema";
import { freePort, httpOk, runDir, start, Started, waitFor } from "./processes";
import { tools } from "./tools";

export async function loopback(): Promise<ListenAddresses> {
    return {
        host: "127.0.0.1",
        otlpGrpcPort: await freePort(),
        otlpHttpPort: await freePort(),
        healthPort: await freePort(),
        metricsPort: await freePort(),
    };
}

export interface Jaeger {
    otlpGrpc: string;
    otlpHttp: string;
    /** The query service's HTTP API root: under the base path, when it has one (`/views/<name>`). */
    queryUrl: string;
    /** The base path the UI and its API are served under (`/` when none was given). */
    basePath: string;
    /** Its own collector metrics (Prometheus), e.g. otelcol_receiver_accepted_spans. */
    metricsPort: number;
    process: Started;
}

/**
 * Real Jaeger v2 with our rendered config, storing in memory (the Elasticsearch config is covered by
 * validation). `basePath` is a team view's (`viewPath(name)`), passed to the renderer as the stack does.
 */
export async function startJaeger(name = "jaeger", basePath?: string): Promise<Jaeger> {
    const listen = {
        host: "127.0.0.1",
        otlpGrpcPort: await freePort(),
        otlpHttpPort: await freePort(),
        queryHttpPort: await freePort(),
        queryGrpcPort: await freePort(),
        healthPort: await freePort(),
        metricsPort: await freePort(),
    };
    const file = join(runDir, `${name}.yaml`);
    writeFileSync(
        file,
        toJaegerYaml(
            renderJaegerConfig({ role: "combined", storage: { kind: "memory", maxTraces: 100000 }, listen, basePath }),
        ),
    );
    const process = start(name, tools.jaeger(), [`--config=${file}`]);
    await waitFor(`${name} health`, () => httpOk(`http://127.0.0.1:${listen.healthPort}/status`), 60000);
    return {
        otlpGrpc: `127.0.0.1:${listen.otlpGrpcPort}`,
        otlpHttp: `http://127.0.0.1:${listen.otlpHttpPort}`,
        queryUrl: `http://127.0.0.1:${listen.queryHttpPort}${(basePath ?? "/").replace(/\/$/, "")}`,
        basePath: basePath ?? "/",
        metricsPort: listen.metricsPort,
        process,
    };
}

export interface Collector {
    listen: ListenAddresses;
    process: Started;
    /** The gateway's span metrics (Prometheus). */
    spanMetricsPort?: number;
}

export async function startCollector(
    name: string,
    yaml: string,
    listen: ListenAddresses,
    env: Record<string, string> = {},
): Promise<Collector> {
    const file = join(runDir, `${name}.yaml`);
    writeFileSync(file, yaml);
    // The node name the downward API gives the agent in a pod.
    const process = start(name, tools.otelcol(), [`--config=file:${file}`], { K8S_NODE_NAME: "e2e-node", ...env });
    await waitFor(`${name} health`, () => httpOk(`http://127.0.0.1:${listen.healthPort}/`), 30000);
    return { listen, process };
}

/**
 * The gateway with our rendered tail sampling, exporting to Jaeger (the all view) and to each team
 * view's Jaeger (`views`, with their Jaegers' loopback OTLP/gRPC endpoints). Adapted only where there
 * is no cluster: loopback ports, a scratch directory for the persistent queue.
 */
export async function startGateway(
    name: string,
    sampling: SamplingConfig,
    jaegerOtlpGrpc: string,
    memoryMiB = 1024,
    persistentQueue = true,
    reuse?: ListenAddresses,
    views?: GatewayView[],
): Promise<Collector> {
    const listen = reuse ?? (await loopback());
    const queueDirectory = persistentQueue ? join(runDir, `${name}-queue`) : undefined;
    if (queueDirectory !== undefined) mkdirSync(queueDirectory, { recursive: true });
    const spanMetricsPort = await freePort();
    const yaml = toCollectorYaml(
        renderGatewayConfig({
            listen,
            memoryLimitMiB: memoryMiB,
            sampling,
            exportEndpoint: jaegerOtlpGrpc,
            queueDirectory,
            queueBytes: queueBytesFor(1),
            spanMetricsPort,
            views,
        }),
    );
    return { ...(await startCollector(name, yaml, listen, { GOMEMLIMIT: goMemLimit(memoryMiB) })), spanMetricsPort };
}

/**
 * The agent with the stack's PII and id rules. Adapted only where there is no cluster: loopback
 * ports, k8s_attributes in passthrough (no Kubernetes API), a static resolver naming the gateways
 * (the Kubernetes resolver lists the gateway replicas' addresses the same way).
 */
export async function startAgent(
    name: string,
    config: StackConfig,
    gatewayOtlpGrpcPort: number | number[],
    memoryMiB = 512,
    probes: Record<string, { endpoint: string }> = {},
): Promise<Collector> {
    const listen = await loopback();
    const rendered = renderAgentConfig({
        listen,
        memoryLimitMiB: memoryMiB,
        orderIdHeader: config.orderIdHeader,
        orderIdPathPattern: config.orderIdPathPattern,
        userIdHeader: config.userIdHeader,
        pii: config.pii,
        gatewayResolver: { static: { hostnames: [gatewayOtlpGrpcPort].flat().map((port) => `127.0.0.1:${port}`) } },
        kubernetesMetadata: false,
        exportCompression: config.collector.agent.exportCompression,
    });
    // Measurement probes (the benchmark's pprof endpoint) are extensions; they change no span.
    const yaml = toCollectorYaml({
        ...rendered,
        extensions: { ...rendered.extensions, ...probes },
        service: { ...rendered.service, extensions: [...rendered.service.extensions, ...Object.keys(probes)] },
    });
    return startCollector(name, yaml, listen, { GOMEMLIMIT: goMemLimit(memoryMiB) });
}
