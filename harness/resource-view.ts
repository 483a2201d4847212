/**
 * Reading the untyped inputs of a simulated resource (or a parsed manifest) without casts at every
 * step: a field that is not the expected shape reads as empty. The policy pack keeps its own copy
 * (policies/resource-view.ts) because it is published as a package of its own.
 */
export type Obj = Record<string, unknown>;

export const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
export const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

/** A list of scalars as text. */
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((s) => text(s)) : []);

/** A scalar as written (numbers and booleans printed), `fallback` when absent, anything else as JSON. */
export function text(v: unknown, fallback = ""): string {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
    if (v === undefined || v === null) return fallback;
    return JSON.stringify(v);
}

/** The pod spec of a workload's inputs: a CronJob's through its job template. */
export function podSpecOf(resource: { type?: string; inputs: Obj }): Obj {
    const spec = obj(resource.inputs.spec);
    const template =
        resource.type?.endsWith(":CronJob") === true
            ? obj(obj(obj(spec.jobTemplate).spec).template)
            : obj(spec.template);
    return obj(template.spec);
}
