import type {
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { configSchemaProperties, defaultConfig, PackConfig } from "./config";
import type { Json } from "./resource-view";
import type { Rule } from "./rule";

function schemaFor(rule: Rule): PolicyConfigSchema | undefined {
    if (rule.config === undefined) return undefined;
    return {
        properties: Object.fromEntries(rule.config.map((key) => [key, configSchemaProperties[key]])),
    } as PolicyConfigSchema;
}

const settings = (args: { getConfig<T extends object>(): T }): PackConfig => ({
    ...defaultConfig,
    ...args.getConfig<Partial<PackConfig>>(),
});

/** The rule as @pulumi/policy runs it under `pulumi preview --policy-pack policies`. */
export function toPulumiPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
    const base = {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        configSchema: schemaFor(rule),
    };
    if (rule.kind === "resource") {
        return {
            ...base,
            validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
                const props = args.props as Json;
                for (const message of rule.validateResource(
                    { type: args.type, name: args.name, props },
                    settings(args),
                ))
                    report(message);
            },
        };
    }
    return {
        ...base,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const resources = args.resources.map((r) => ({ type: r.type, name: r.name, props: r.props as Json }));
            for (const v of rule.validateStack(resources, settings(args))) {
                const urn =
                    v.resource === undefined
                        ? undefined
                        : args.resources.find((r) => r.type === v.resource?.type && r.name === v.resource?.name)?.urn;
                report(v.message, urn);
            }
        },
    };
}
