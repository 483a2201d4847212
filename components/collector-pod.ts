import * as k8s from "@pulumi/kubernetes";
import { createHash } from "crypto";
import { goMemLimit } from "../renderers/collector-common";
import { podListen } from "../renderers/collector-types";
import { downwardEnv, httpProbe, resources, restrictedContainerSecurity } from "./pod-conventions";

type Container = k8s.types.input.core.v1.Container;

export const collectorConfigFile = "config.yaml";

export interface CollectorContainerArgs {
    image: string;
    memoryMiB: number;
    cpu: string;
    ports: k8s.types.input.core.v1.ContainerPort[];
    volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
}

/** The collector container shared by agent and gateway: pinned image, bounded memory, restricted. */
export function collectorContainer(args: CollectorContainerArgs): Container {
    return {
        name: "otelcol",
        image: args.image,
        args: [`--config=/conf/${collectorConfigFile}`],
        env: [...downwardEnv, { name: "GOMEMLIMIT", value: goMemLimit(args.memoryMiB) }],
        ports: args.ports,
        resources: resources(args.cpu, args.memoryMiB),
        securityContext: restrictedContainerSecurity,
        livenessProbe: httpProbe("/", podListen.healthPort),
        readinessProbe: httpProbe("/", podListen.healthPort, 5),
        volumeMounts: [{ name: "config", mountPath: "/conf", readOnly: true }, ...(args.volumeMounts ?? [])],
    };
}

/** Rolls the pods when the rendered configuration changes. */
export function configChecksum(yaml: string): Record<string, string> {
    return { "checksum/config": createHash("sha256").update(yaml).digest("hex") };
}

export const otlpPorts = {
    grpc: { name: "otlp-grpc", containerPort: podListen.otlpGrpcPort, protocol: "TCP" },
    http: { name: "otlp-http", containerPort: podListen.otlpHttpPort, protocol: "TCP" },
    metrics: { name: "metrics", containerPort: podListen.metricsPort, protocol: "TCP" },
} as const;
