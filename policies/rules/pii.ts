import { metadataName, obj, strings, type Json, type PolicyInput } from "../resource-view";
import { at, StackRule, Violation } from "../rule";
import { collectorText, ottlStringValue, regExp, splitTop } from "../ottl";
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

/** A transform statement: its group's context and conditions (the group runs when any holds), and its text. */
interface Statement {
    context: string;
    conditions: string[];
    text: string;
}

/** The OTTL statements of a pipeline's transform processors; a bare statement string has context "". */
function transformStatements(p: AgentPipeline): Statement[] {
    return p.processors
        .filter((id) => kind(id) === "transform")
        .flatMap((id) => (obj(obj(p.config.processors)[id]).trace_statements as unknown[] | undefined) ?? [])
        .flatMap((g) =>
            typeof g === "string"
                ? [{ context: "", conditions: [], text: g }]
                : strings(obj(g).statements).map((s) => ({
                      context: String(obj(g).context),
                      conditions: strings(obj(g).conditions),
                      text: s,
                  })),
        );
}

/** A condition that holds on every server span: `span.kind == SPAN_KIND_SERVER`, or that or'ed with others. */
function holdsOnServerSpans(condition: string): boolean {
    return (splitTop(condition, /\s+or\s+/) ?? []).some((term) => {
        let t = term;
        while (t.startsWith("(") && t.endsWith(")") && splitTop(t.slice(1, -1), /(?!)/) !== null)
            t = t.slice(1, -1).trim();
        return /^(?:span\.kind\s*==\s*SPAN_KIND_SERVER|SPAN_KIND_SERVER\s*==\s*span\.kind)$/.test(t);
    });
}

const clientAddressKey = "client.address";

/**
 * Whether an OTTL editor call removes or rewrites the span's client.address: replace_pattern on it,
 * delete_key of it, or delete_matching_keys with a pattern that matches it.
 */
function editsClientAddress(call: string): boolean {
    const m = /^([a-z_]+)\(([\s\S]*)\)$/.exec(call);
    const args = m === null ? null : splitTop(m[2], /,/);
    if (m === null || args === null) return false;
    const [target, key] = args;
    const attribute = /^span\.attributes\[([\s\S]*)\]$/.exec(target);
    switch (m[1]) {
        case "replace_pattern":
            return args.length >= 3 && attribute !== null && ottlStringValue(attribute[1]) === clientAddressKey;
        case "delete_key":
            return args.length === 2 && target === "span.attributes" && ottlStringValue(key) === clientAddressKey;
        case "delete_matching_keys": {
            const pattern = args.length === 2 && target === "span.attributes" ? ottlStringValue(key) : null;
            return pattern !== null && (regExp(pattern)?.test(clientAddressKey) ?? false);
        }
        default:
            return false;
    }
}

/**
 * Whether a statement removes or rewrites client.address on every server span: in the span context,
 * with its group's conditions or its own `where` saying `span.kind == SPAN_KIND_SERVER` and nothing
 * narrowing it further.
 */
function removesClientAddressOnServerSpans(s: Statement): boolean {
    const parts = splitTop(s.text, /\s+where\s+/);
    if ((s.context !== "span" && s.context !== "") || parts === null || parts.length > 2) return false;
    const [call, where] = parts;
    const byGroup = s.conditions.some(holdsOnServerSpans);
    const byWhere = where !== undefined && holdsOnServerSpans(where);
    const groupRuns = s.conditions.length === 0 || byGroup;
    const statementRuns = where === undefined || byWhere;
    return (byGroup || byWhere) && groupRuns && statementRuns && editsClientAddress(call);
}

/**
 * Personal data of each kind the default masks catch (config/schema.ts defaultPiiMasks), as agents
 * record it: a value an allowed_values pattern matches is let through unmasked.
 */
const personalData = [
    { kind: "a card number", value: "4111 1111 1111 1111" },
    { kind: "a card number", value: "4111111111111111" },
    { kind: "an e-mail address", value: "anna.petrova@example.com" },
    { kind: "an e-mail address", value: "anna.petrova%40example.com" },
    { kind: "a phone number", value: "+7 912 345-67-89" },
    { kind: "credentials in a URL", value: "amqp://crm:s3cret@rabbitmq.crm.svc:5672/orders" },
];

/**
 * What the redaction processor's allowed_values let through that its blocked_values would mask: one
 * message per pattern that lets a sample of personal data through, or that JavaScript cannot read.
 * A blocked pattern JavaScript cannot read counts as masking every sample.
 */
function allowedLeaks(redaction: string, name: string, settings: Json): string[] {
    const blocked = strings(settings.blocked_values).map((b) => regExp(collectorText(b)));
    const masked = (value: string): boolean => blocked.some((b) => b === null || b.test(value));
    return strings(settings.allowed_values).flatMap((pattern) => {
        const allowed = regExp(collectorText(pattern));
        if (allowed === null)
            return [
                `${redaction} in ${name} has an allowed_values pattern "${pattern}" that cannot be checked (JavaScript cannot compile it), and values it matches are never masked. Write it in the syntax RE2 and JavaScript share (renderers/pii.ts does) or remove it.`,
            ];
        const leak = personalData.find((d) => masked(d.value) && allowed.test(d.value));
        return leak === undefined
            ? []
            : [
                  `${redaction} in ${name} lets personal data through unmasked: its allowed_values pattern "${pattern}" matches ${leak.kind} (${leak.value}), and values it matches are never masked. Allow only values that cannot hold personal data (renderers/pii.ts derives one from the masks' clues) or remove it.`,
              ];
    });
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
        "The agent collector masks customers' personal data before spans leave it: redaction of attribute values of every type (resource, scope, span, events), letting through unscanned (allowed_values) only values that cannot hold personal data, and transform on span names, status messages and event names.",
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
            } else {
                out.push(...allowedLeaks(redaction, name, settings).map((m) => at(p.r, m)));
            }
            const statements = transformStatements(p).map((s) => `${s.context}: ${s.text}`);
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
                const onServerSpans = transformStatements(p).filter(removesClientAddressOnServerSpans);
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
