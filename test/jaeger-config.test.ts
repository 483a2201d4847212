import { parse } from "yaml";
import {
    JaegerConfig,
    jaegerPodListen,
    JaegerRole,
    renderJaegerConfig,
    toJaegerYaml,
} from "../renderers/jaeger-config";
import { wiringProblems } from "./support/pipeline-wiring";

const es = {
    kind: "elasticsearch" as const,
    url: "https://elasticsearch.tracing.svc.cluster.local:9200",
    caFile: "/etc/jaeger/es-ca/ca.crt",
    indexPrefix: "jaeger",
    shards: 2,
    replicas: 1,
};

describe("Jaeger v2 config", () => {
    it.each<JaegerRole>(["collector", "query", "combined"])(
        "%s role: every component a pipeline names is defined, and every defined one is used",
        (role) => {
            const url = "http://prometheus.monitoring.svc.cluster.local:9090";
            const cfg = renderJaegerConfig({ role, storage: es, listen: jaegerPodListen, prometheusUrl: url });
            expect(wiringProblems(cfg)).toEqual([]);
            expect(cfg.service.extensions.includes("jaeger_query")).toBe(role !== "collector");
        },
    );

    it("the writer roles own the index templates, at the configured Elasticsearch URL; a public CA needs no file", () => {
        for (const role of ["collector", "combined"] as const) {
            const backend = renderJaegerConfig({ role, storage: es, listen: jaegerPodListen }).extensions.jaeger_storage
                .backends.traces;
            if (!("elasticsearch" in backend)) throw new Error("expected an elasticsearch backend");
            expect(backend.elasticsearch.create_mappings).toBe(true);
            expect(backend.elasticsearch.server_urls).toEqual([es.url]);
        }
        const publicCa = renderJaegerConfig({
            role: "combined",
            storage: { ...es, caFile: undefined },
            listen: jaegerPodListen,
        }).extensions.jaeger_storage.backends.traces;
        expect("elasticsearch" in publicCa && publicCa.elasticsearch.tls).toStrictEqual({ insecure: false });
    });

    it("serves the UI at the root (oauth2-proxy forwards paths unchanged) and its own metrics on the metrics port", () => {
        const cfg = renderJaegerConfig({ role: "combined", storage: es, listen: jaegerPodListen });
        expect(cfg.extensions.jaeger_query?.base_path).toBe("/");
        // Jaeger v2 traces its own queries unless told not to.
        expect(cfg.extensions.jaeger_query?.enable_tracing).toBe(false);
        expect(cfg.service.telemetry.logs).toEqual({ level: "info", encoding: "json" });
        // Every listener on the pod's own address, none on all interfaces.
        expect(cfg.receivers.otlp?.protocols).toEqual({
            grpc: { endpoint: "${env:MY_POD_IP}:4317" },
            http: { endpoint: "${env:MY_POD_IP}:4318" },
        });
        expect(cfg.service.telemetry.metrics).toMatchObject({
            level: expect.stringMatching(/^(basic|normal|detailed)$/) as unknown,
            readers: [
                {
                    pull: {
                        exporter: { prometheus: { host: jaegerPodListen.host, port: jaegerPodListen.metricsPort } },
                    },
                },
            ],
        });
    });

    it("collector role: OTLP in on the pod IP, Elasticsearch out, no query extension", () => {
        // The YAML round trip is what the pod reads: what was rendered, back as the same shape.
        const cfg = parse(
            toJaegerYaml(renderJaegerConfig({ role: "collector", storage: es, listen: jaegerPodListen })),
        ) as JaegerConfig;
        expect(cfg.service.pipelines.traces).toEqual({
            receivers: ["otlp"],
            processors: ["batch"],
            exporters: ["jaeger_storage_exporter"],
        });
        expect(cfg.receivers.otlp?.protocols.grpc.endpoint).toBe("${env:MY_POD_IP}:4317");
        expect(cfg.extensions.jaeger_query).toBeUndefined();
        expect(cfg.service.extensions).toEqual(["jaeger_storage", "healthcheckv2"]);
        expect(cfg.exporters.jaeger_storage_exporter).toEqual({ trace_storage: "traces" });
    });

    it("query role: UI and gRPC API bound explicitly, a nop pipeline, no index templates", () => {
        const cfg = renderJaegerConfig({ role: "query", storage: es, listen: jaegerPodListen });
        expect(cfg.extensions.jaeger_query).toMatchObject({
            http: { endpoint: "${env:MY_POD_IP}:16686" },
            grpc: { endpoint: "${env:MY_POD_IP}:16685" },
        });
        expect(cfg.service.pipelines.traces).toEqual({ receivers: ["nop"], exporters: ["nop"] });
        expect(cfg.receivers.otlp).toBeUndefined();
        const backend = cfg.extensions.jaeger_storage.backends.traces;
        expect("elasticsearch" in backend && backend.elasticsearch.create_mappings).toBe(false);
    });

    it("the Monitor tab (SPM) reads the gateway's span metrics from Prometheus when a URL is given, and only on query roles", () => {
        const url = "http://prometheus.monitoring.svc.cluster.local:9090";
        const query = renderJaegerConfig({ role: "query", storage: es, listen: jaegerPodListen, prometheusUrl: url });
        expect(query.extensions.jaeger_query?.storage).toEqual({ traces: "traces", metrics: "span_metrics" });
        expect(query.extensions.jaeger_storage.metric_backends).toEqual({
            span_metrics: {
                prometheus: {
                    endpoint: url,
                    metric_namespace: "traces_span_metrics",
                    latency_unit: "ms",
                    normalize_calls: true,
                    normalize_duration: true,
                },
            },
        });
        expect(
            renderJaegerConfig({ role: "collector", storage: es, listen: jaegerPodListen, prometheusUrl: url })
                .extensions.jaeger_storage.metric_backends,
        ).toBeUndefined();
        expect(
            renderJaegerConfig({ role: "query", storage: es, listen: jaegerPodListen }).extensions.jaeger_query
                ?.storage,
        ).toEqual({ traces: "traces" });
        expect(
            renderJaegerConfig({ role: "query", storage: es, listen: jaegerPodListen }).extensions.jaeger_storage,
        ).not.toHaveProperty("metric_backends");
    });

    it("health on 13133 /status", () => {
        const cfg = renderJaegerConfig({ role: "combined", storage: es, listen: jaegerPodListen });
        expect(cfg.extensions.healthcheckv2).toEqual({
            use_v2: true,
            http: { endpoint: "${env:MY_POD_IP}:13133", status: { enabled: true, path: "/status" } },
        });
    });

    it("writes daily indices with the configured shards and replicas, credentials from the environment, TLS verified", () => {
        const backend = renderJaegerConfig({ role: "combined", storage: es, listen: jaegerPodListen }).extensions
            .jaeger_storage.backends.traces;
        if (!("elasticsearch" in backend)) throw new Error("expected an elasticsearch backend");
        const e = backend.elasticsearch;
        expect(e.indices.spans).toEqual({
            shards: 2,
            replicas: 1,
            date_layout: "2006-01-02",
            rollover_frequency: "day",
        });
        expect(e.indices.services).toEqual(e.indices.spans);
        expect(e.auth.basic).toEqual({ username: "${env:ES_USERNAME}", password: "${env:ES_PASSWORD}" });
        expect(e.tls).toEqual({ insecure: false, ca_file: "/etc/jaeger/es-ca/ca.crt" });
        // Newer Jaeger rejects the legacy alias/ILM flags.
        expect(JSON.stringify(e)).not.toMatch(/use_ilm|use_aliases/);
    });

    it("quotes the date layout so Go's YAML 1.1 reader keeps it a string", () => {
        const text = toJaegerYaml(renderJaegerConfig({ role: "collector", storage: es, listen: jaegerPodListen }));
        expect(text).toContain('date_layout: "2006-01-02"');
        expect(text).not.toMatch(/date_layout: 2006/);
    });

    it("caps an in-memory store", () => {
        const backend = renderJaegerConfig({
            role: "combined",
            storage: { kind: "memory", maxTraces: 50000 },
            listen: jaegerPodListen,
        }).extensions.jaeger_storage.backends.traces;
        expect(backend).toEqual({ memory: { max_traces: 50000 } });
    });
});
