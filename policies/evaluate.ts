import { configFor, PolicyOverrides } from "./config";
import type { PolicyInput } from "./resource-view";
import type { Enforcement, Rule } from "./rule";
import { rules as allRules } from "./rules";

export interface ReportedViolation {
    policy: string;
    enforcementLevel: Enforcement;
    message: string;
    resource: { type: string; name: string } | null;
}

/**
 * Runs the pack's rules over resources as the program registered them (the offline check), with
 * the same per-policy settings file `pulumi preview --policy-pack-config` takes. A policy set to
 * "disabled" there is skipped; "advisory"/"mandatory" override its level.
 */
export function evaluate(resources: PolicyInput[], overrides: PolicyOverrides = {}, rules: Rule[] = allRules): ReportedViolation[] {
    const out: ReportedViolation[] = [];
    for (const rule of rules) {
        const own = overrides[rule.name];
        const level = typeof own === "string" ? own : ((own as { enforcementLevel?: string } | undefined)?.enforcementLevel ?? rule.enforcementLevel);
        if (level === "disabled") continue;
        const enforcementLevel: Enforcement = level === "advisory" ? "advisory" : "mandatory";
        const config = configFor(rule.name, overrides);
        if (rule.kind === "resource") {
            for (const r of resources) {
                for (const message of rule.validateResource(r, config)) out.push({ policy: rule.name, enforcementLevel, message, resource: { type: r.type, name: r.name } });
            }
        } else {
            for (const v of rule.validateStack(resources, config)) out.push({ policy: rule.name, enforcementLevel, message: v.message, resource: v.resource ?? null });
        }
    }
    return out;
}
