// The CrossGuard pack: `pulumi preview --policy-pack policies`. Only this module builds the
// PolicyPack (constructing one starts the policy server); tests and `npm run check` import rules.ts.
import { PolicyPack } from "@pulumi/policy";
import { toPulumiPolicy } from "./pulumi-policies";
import { rules } from "./rules";

new PolicyPack("tracing-platform", {
    description:
        "Guardrails for the tracing platform: no external exposure, SSO, PII scrubbing, retention limits, secrets, hardening.",
    policies: rules.map(toPulumiPolicy),
});
