import { metadataName, obj, strings, type Json, type PolicyInput } from "../resource-view";
import { at, StackRule, Violation } from "../rule";
import { configOf, isAgentConfig } from "./collector-config";

const kind = (id: string): string => id.split("/")[0];

interface AgentPipeline {
    r: PolicyInput;
    config: Json;
    id: string;
    processors: string[];
}

/** The agent configs, each with its traces pipelines: each pipeline exports on its own, so each must scrub. */
function agentPipelines(resources: PolicyInput[]): { r: PolicyInput; pipelines: AgentPipeline[] }[] {
    return resources.flatMap((r) => {
        const c = configOf(r);
        if (c === null || !isAgentConfig(r, c)) return [];
        const pipelines = Object.entries(obj(obj(c.service).pipelines))
            .filter(([id]) => kind(id) === "traces")
            .map(([id, p]) => ({ r, config: c, id, processors: strings(obj(p).processors) }));
        return [{ r, pipelines }];
    });
}

/** The OTTL statements of a pipeline's transform processors, each with its context ("span: set(...)"). */
function transformStatements(p: AgentPipeline): string[] {
    return p.processors
        .filter((id) => kind(id) === "transform")
        .flatMap((id) => (obj(obj(p.config.processors)[id]).trace_statements as unknown[] | undefined) ?? [])
        .flatMap((g) =>
            typeof g === "string"
                ? [`: ${g}`]
                : strings(obj(g).statements).map(
                      (s) => `${String(obj(g).context)}: ${s}${JSON.stringify(obj(g).conditions ?? [])}`,
                  ),
        );
}

/** Where personal data travels outside attribute values, and the statement that masks it there. */
const textFields = [
    { field: "span names", statement: "span: replace_pattern(span.name," },
    { field: "status messages", statement: "span: replace_pattern(span.status.message," },
    { field: "event names", statement: "spanevent: replace_pattern(spanevent.name," },
];

export const piiScrubbedBeforeExport: StackRule = {
    kind: "stack",
    name: "pii-scrubbed-before-export",
    description:
        "The agent collector masks customers' personal data before spans leave it: redaction of attribute values of every type (resource, scope, span, events), and transform on span names, status messages and event names.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const agents = agentPipelines(resources);
        if (agents.length === 0)
            return [
                {
                    message:
                        "No agent collector configuration was found, so nothing scrubs personal data from spans. Deploy the collector agent.",
                },
            ];
        const out: Violation[] = agents
            .filter((a) => a.pipelines.length === 0)
            .map((a) =>
                at(
                    a.r,
                    `${metadataName(a.r)} has no traces pipeline. Keep the agent's traces pipeline with redaction/pii and transform/scrub_pii.`,
                ),
            );
        for (const p of agents.flatMap((a) => a.pipelines)) {
            const name = metadataName(p.r);
            const redaction = p.processors.find((id) => kind(id) === "redaction");
            const settings = obj(obj(p.config.processors)[redaction ?? ""]);
            if (redaction === undefined) {
                out.push(
                    at(
                        p.r,
                        `The ${p.id} pipeline of ${name} has no redaction processor. Keep redaction/pii (tracing:pii.masks) in the agent pipeline.`,
                    ),
                );
            } else if (strings(settings.blocked_values).length === 0) {
                out.push(
                    at(
                        p.r,
                        `${redaction} in ${name} masks nothing (blocked_values is empty). Configure tracing:pii.masks.`,
                    ),
                );
            } else if (settings.redact_all_types !== true) {
                out.push(
                    at(
                        p.r,
                        `${redaction} in ${name} scans string values only, so a captured header (a list) keeps its personal data. Set redact_all_types: true (renderers/pii.ts does).`,
                    ),
                );
            }
            const statements = transformStatements(p);
            const missing = textFields.filter((f) => !statements.some((s) => s.startsWith(f.statement)));
            if (missing.length > 0) {
                out.push(
                    at(
                        p.r,
                        `The ${p.id} pipeline of ${name} does not mask personal data in ${missing.map((f) => f.field).join(", ")}: redaction does not visit them. Keep transform/scrub_pii in the agent pipeline.`,
                    ),
                );
            }
        }
        return out;
    },
};

export const clientAddressNotStored: StackRule = {
    kind: "stack",
    name: "client-address-not-stored",
    description:
        "The agent truncates (IPv4 /24, IPv6 /48) or drops the customer's network address on server spans before spans leave it.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        return agentPipelines(resources)
            .flatMap((a) => a.pipelines)
            .flatMap((p) => {
                const onServerSpans = transformStatements(p).filter(
                    (s) =>
                        s.includes("SPAN_KIND_SERVER") &&
                        s.includes("client.address") &&
                        /replace_pattern|delete_matching_keys|delete_key/.test(s),
                );
                return onServerSpans.length > 0
                    ? []
                    : [
                          at(
                              p.r,
                              `The ${p.id} pipeline of ${metadataName(p.r)} stores the customer's IP address of server spans (client.address, forwarded-for headers) as sent. Set tracing:pii.clientAddress to truncate or drop; keep it only with a legal basis, and then disable this policy in the pack's configuration.`,
                          ),
                      ];
            });
    },
};
