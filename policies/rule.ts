import type { ConfigKey, PackConfig } from "./config";
import type { PolicyInput } from "./resource-view";

export type Enforcement = "mandatory" | "advisory";

export interface Violation {
    message: string;
    resource?: { type: string; name: string };
}

interface RuleBase {
    name: string;
    description: string;
    enforcementLevel: Enforcement;
    /** The pack settings this rule reads (they become its configSchema). */
    config?: ConfigKey[];
}

/** Judges one resource; returns one message per problem, each saying what to change. */
export interface ResourceRule extends RuleBase {
    kind: "resource";
    validateResource(resource: PolicyInput, config: PackConfig): string[];
}

/** Judges the stack as a whole. */
export interface StackRule extends RuleBase {
    kind: "stack";
    validateStack(resources: PolicyInput[], config: PackConfig): Violation[];
}

export type Rule = ResourceRule | StackRule;

export const at = (r: PolicyInput, message: string): Violation => ({
    message,
    resource: { type: r.type, name: r.name },
});
