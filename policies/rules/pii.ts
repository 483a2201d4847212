import { metadataName, obj, strings } from "../resource-view";
import { at, StackRule, Violation } from "../rule";
import { configOf, isAgentConfig } from "./collector-config";

const kind = (id: string): string => id.split("/")[0];

export const piiScrubbedBeforeExport: StackRule = {
    kind: "stack",
    name: "pii-scrubbed-before-export",
    description: "The agent collector removes customers' personal data (redaction with masks, and transform) before spans leave it.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const agents = resources.flatMap((r) => {
            const c = configOf(r);
            return c !== null && isAgentConfig(r, c) ? [{ r, c }] : [];
        });
        if (agents.length === 0) {
            return [{ message: "No agent collector configuration was found, so nothing scrubs personal data from spans. Deploy the collector agent." }];
        }
        const out: Violation[] = [];
        for (const { r, c } of agents) {
            const pipelines = Object.entries(obj(obj(c.service).pipelines)).filter(([id]) => kind(id) === "traces");
            if (pipelines.length === 0) out.push(at(r, `${metadataName(r)} has no traces pipeline. Keep the agent's traces pipeline with redaction/pii and transform/scrub_pii.`));
            // Every traces pipeline exports on its own: each one must scrub, or it is a way around the scrubbing.
            for (const [id, pipeline] of pipelines) {
                const processors = strings(obj(pipeline).processors);
                const redaction = processors.find((p) => kind(p) === "redaction");
                const transform = processors.find((p) => kind(p) === "transform" && JSON.stringify(obj(c.processors)[p] ?? {}).includes("replace_pattern"));
                if (redaction === undefined) {
                    out.push(at(r, `The ${id} pipeline of ${metadataName(r)} has no redaction processor. Keep redaction/pii (tracing:pii.masks) in the agent pipeline.`));
                } else if (strings(obj(obj(c.processors)[redaction]).blocked_values).length === 0) {
                    out.push(at(r, `${redaction} in ${metadataName(r)} masks nothing (blocked_values is empty). Configure tracing:pii.masks.`));
                }
                if (transform === undefined) {
                    out.push(at(r, `The ${id} pipeline of ${metadataName(r)} does not mask personal data in span names, SQL and URLs. Keep transform/scrub_pii in the agent pipeline.`));
                }
            }
        }
        return out;
    },
};
