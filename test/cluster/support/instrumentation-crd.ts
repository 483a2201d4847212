import { join } from "path";
import * as ts from "typescript";
import { projectDir } from "../../support/resources";

/**
 * The OpenTelemetry Operator's `Instrumentation` CRD, derived from the upstream model we already
 * validate with (@kubernetes-models/opentelemetry-operator, generated from the Operator's CRD).
 * The Operator's Go module and chart are not served here, so its CRD file cannot be fetched: this
 * turns the model's TypeScript declarations back into a structural OpenAPI schema. Objects and
 * arrays keep their fields (the API server prunes or, with strict validation, refuses unknown ones);
 * `number | string` (Quantity, IntOrString) becomes `x-kubernetes-int-or-string`; string unions
 * become enums. It cannot know the CRD's numeric formats or CEL rules: those are not in the model.
 */
export type JsonSchema = Record<string, unknown>;

const modelModule = "@kubernetes-models/opentelemetry-operator/opentelemetry.io/v1alpha1/Instrumentation";

function schemaOf(checker: ts.TypeChecker, type: ts.Type, seen: ts.Type[]): JsonSchema {
    const nonNullable = checker.getNonNullableType(type);
    if (nonNullable.isUnion()) {
        const members = nonNullable.types;
        if (members.every((m) => m.isStringLiteral())) return { type: "string", enum: members.map((m) => m.value) };
        const flags = members.map((m) => m.flags);
        const hasString = flags.some((f) => f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral));
        const hasNumber = flags.some((f) => f & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral));
        if (hasString && hasNumber) return { "x-kubernetes-int-or-string": true };
        if (flags.every((f) => f & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
        return { "x-kubernetes-preserve-unknown-fields": true };
    }
    const f = nonNullable.flags;
    if (f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return { type: "string" };
    if (f & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return { type: "number" };
    if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { "x-kubernetes-preserve-unknown-fields": true };
    if (checker.isArrayType(nonNullable)) {
        const [item] = checker.getTypeArguments(nonNullable as ts.TypeReference);
        return { type: "array", items: schemaOf(checker, item, seen) };
    }
    if (seen.includes(nonNullable)) return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    const index = checker.getIndexInfoOfType(nonNullable, ts.IndexKind.String);
    const properties = checker.getPropertiesOfType(nonNullable);
    if (index !== undefined && properties.length === 0) {
        return { type: "object", additionalProperties: schemaOf(checker, index.type, [...seen, nonNullable]) };
    }
    if (properties.length === 0) return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    const schema: JsonSchema = { type: "object", properties: {} };
    const required: string[] = [];
    for (const p of properties) {
        const declaration = p.valueDeclaration ?? p.declarations?.[0];
        if (declaration === undefined) continue;
        const propertyType = checker.getTypeOfSymbolAtLocation(p, declaration);
        (schema.properties as Record<string, JsonSchema>)[p.name] = schemaOf(checker, propertyType, [
            ...seen,
            nonNullable,
        ]);
        if ((p.flags & ts.SymbolFlags.Optional) === 0) required.push(p.name);
    }
    if (required.length > 0) schema.required = required;
    return schema;
}

/** The `Instrumentation` CustomResourceDefinition (opentelemetry.io/v1alpha1, namespaced). */
export function instrumentationCrd(): JsonSchema {
    const entry = join(projectDir, "test", "cluster", "support", "__instrumentation-model.ts");
    const source = `import type { IInstrumentation } from "${modelModule}";\nexport type Spec = NonNullable<IInstrumentation["spec"]>;\n`;
    const options: ts.CompilerOptions = {
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (file) => (file === entry ? source : readFile(file));
    host.fileExists = (file) => file === entry || fileExists(file);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language) =>
        file === entry ? ts.createSourceFile(file, source, language) : getSourceFile(file, language);
    const program = ts.createProgram([entry], options, host);
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(entry);
    const alias = file?.statements.find(ts.isTypeAliasDeclaration);
    if (alias === undefined) throw new Error("cannot read the Instrumentation model");
    const spec = schemaOf(checker, checker.getTypeAtLocation(alias.name), []);
    if (spec.properties === undefined) throw new Error(`the Instrumentation model did not resolve (${modelModule})`);
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: {
            name: "instrumentations.opentelemetry.io",
            labels: { "tracing-platform/derived-from": "kubernetes-models" },
        },
        spec: {
            group: "opentelemetry.io",
            scope: "Namespaced",
            names: {
                kind: "Instrumentation",
                listKind: "InstrumentationList",
                plural: "instrumentations",
                singular: "instrumentation",
                shortNames: ["otelinst", "otelinsts"],
            },
            versions: [
                {
                    name: "v1alpha1",
                    served: true,
                    storage: true,
                    subresources: { status: {} },
                    schema: {
                        openAPIV3Schema: {
                            type: "object",
                            properties: {
                                apiVersion: { type: "string" },
                                kind: { type: "string" },
                                metadata: { type: "object" },
                                spec: spec,
                                status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                            },
                        },
                    },
                },
            ],
        },
    };
}
