import { renderInstrumentationSpec } from "../renderers/instrumentation";
import { agentImages } from "../components/versions";
import {
    injectedWorkloads,
    InjectedWorkload,
    operatorEnv,
    renderedInstrumentations,
} from "../harness/operator-injection";
import { simulateVariant } from "./support/resources";

/*
 * The e2e stand-ins take their environment from our rendered Instrumentation the way the Operator
 * computes it (harness/operator-injection.ts). These tests pin that computation: a change
 * to the Instrumentation reaches the stand-ins, and the Operator's precedence rules hold.
 */

const input = {
    agentEndpoint: "http://otel-agent.tracing.svc.cluster.local:4318",
    headPercent: 100,
    orderIdHeader: "x-order-id",
    userIdHeader: "x-user-id",
    agentImages,
};
const crm: InjectedWorkload = {
    namespace: "crm",
    name: "crm-api",
    language: "java",
    instrumentation: "tracing/tracing",
};
const pod = { podName: "crm-api-0", nodeName: "node-a", imageTag: "1.2.3", podIp: "10.0.0.7" };
const files = { javaAgentJar: "/agents/javaagent.jar", nodeRegister: "/agents/register.js" };

describe("the environment the Operator gives an injected container", () => {
    it("carries the Instrumentation's endpoint, sampler, propagators and the language's header capture", () => {
        const env = operatorEnv(renderInstrumentationSpec({ ...input, headPercent: 25 }), crm, "java", pod, files);
        expect(env).toMatchObject({
            OTEL_SERVICE_NAME: "crm-api",
            OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-agent.tracing.svc.cluster.local:4318",
            OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
            OTEL_PROPAGATORS: "tracecontext,baggage",
            OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
            OTEL_TRACES_SAMPLER_ARG: "0.25",
            OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS: "x-order-id,x-user-id",
            OTEL_INSTRUMENTATION_MESSAGING_EXPERIMENTAL_CAPTURE_HEADERS: "x-order-id,x-user-id",
            JAVA_TOOL_OPTIONS: " -javaagent:/agents/javaagent.jar",
        });
        expect(env.OTEL_RESOURCE_ATTRIBUTES).toBe(
            "k8s.container.name=crm-api,k8s.deployment.name=crm-api,k8s.namespace.name=crm,k8s.node.name=node-a,k8s.pod.name=crm-api-0,service.instance.id=crm.crm-api-0.crm-api,service.namespace=crm,service.version=1.2.3",
        );
    });

    it("changes when a setting of the Instrumentation changes", () => {
        const base = operatorEnv(renderInstrumentationSpec(input), crm, "java", pod, files);
        const renamed = operatorEnv(
            renderInstrumentationSpec({ ...input, orderIdHeader: "x-order" }),
            crm,
            "java",
            pod,
            files,
        );
        expect(renamed.OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS).toBe("x-order,x-user-id");
        expect(renamed).not.toEqual(base);
        const spec = renderInstrumentationSpec(input);
        const moved = operatorEnv(
            { ...spec, exporter: { endpoint: "http://elsewhere:4318" }, propagators: ["b3"] },
            crm,
            "java",
            pod,
            files,
        );
        expect([moved.OTEL_EXPORTER_OTLP_ENDPOINT, moved.OTEL_PROPAGATORS]).toEqual(["http://elsewhere:4318", "b3"]);
    });

    it("lets the container's own value win, the language section beat the common env, and appends the agent to JAVA_TOOL_OPTIONS and NODE_OPTIONS", () => {
        const spec = renderInstrumentationSpec(input);
        const withOverlap = {
            ...spec,
            env: [...spec.env, { name: "SHARED", value: "common" }],
            java: { ...spec.java, env: [{ name: "SHARED", value: "java" }] },
        };
        const env = operatorEnv(withOverlap, crm, "java", pod, files, {
            OTEL_SERVICE_NAME: "own",
            JAVA_TOOL_OPTIONS: "-Xmx256m",
            OTEL_RESOURCE_ATTRIBUTES: "k8s.namespace.name=own",
        });
        expect([env.SHARED, env.OTEL_SERVICE_NAME, env.JAVA_TOOL_OPTIONS]).toEqual([
            "java",
            "own",
            "-Xmx256m -javaagent:/agents/javaagent.jar",
        ]);
        expect(env.OTEL_RESOURCE_ATTRIBUTES.startsWith("k8s.namespace.name=own,k8s.container.name=crm-api,")).toBe(
            true,
        );
        expect(env.OTEL_RESOURCE_ATTRIBUTES.match(/k8s\.namespace\.name/g)).toHaveLength(1);
        const node = operatorEnv(spec, { ...crm, language: "nodejs" }, "nodejs", pod, files, {
            NODE_OPTIONS: "--max-old-space-size=256",
        });
        expect(node.NODE_OPTIONS).toBe("--max-old-space-size=256 --require /agents/register.js");
        // The Instrumentation's OTEL_METRICS_EXPORTER=none comes before the Operator's Node.js default (otlp).
        expect(node.OTEL_METRICS_EXPORTER).toBe("none");
    });

    it("reads the workloads and their Instrumentation off what the dev stack renders", () => {
        const resources = simulateVariant("dev", {});
        expect(
            injectedWorkloads(resources)
                .map((w) => `${w.namespace}/${w.name}:${w.language}:${w.instrumentation}`)
                .sort(),
        ).toEqual([
            "crm/crm-api:java:tracing/tracing",
            "mes/mes-api:dotnet:tracing/tracing",
            "shop/shop-api:nodejs:tracing/tracing",
        ]);
        expect(renderedInstrumentations(resources).get("tracing/tracing")?.java.image).toBe(agentImages.java);
    });
});
