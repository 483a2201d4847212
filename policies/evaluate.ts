import { PolicyOverrides, reconcile } from "./config";
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
 * the same settings file `pulumi preview --policy-pack-config` takes, reconciled as the CLI does:
 * "disabled" skips a policy, "advisory"/"mandatory" (and "remediate", reported as mandatory, as
 * @pulumi/policy does for validations) override its level, `all` sets every level. An invalid file
 * throws a PolicyConfigError naming each bad entry.
 */
export function evaluate(
    resources: PolicyInput[],
    overrides: PolicyOverrides = {},
    rules: Rule[] = allRules,
): ReportedViolation[] {
    const settings = reconcile(overrides, rules);
    const out: ReportedViolation[] = [];
    for (const rule of rules) {
        const own = settings.get(rule.name);
        if (own === undefined || own.enforcementLevel === "disabled") continue;
        const enforcementLevel: Enforcement = own.enforcementLevel === "advisory" ? "advisory" : "mandatory";
        if (rule.kind === "resource") {
            for (const r of resources) {
                for (const message of rule.validateResource(r, own.config))
                    out.push({
                        policy: rule.name,
                        enforcementLevel,
                        message,
                        resource: { type: r.type, name: r.name },
                    });
            }
        } else {
            for (const v of rule.validateStack(resources, own.config))
                out.push({ policy: rule.name, enforcementLevel, message: v.message, resource: v.resource ?? null });
        }
    }
    return out;
}
