import { execFileSync, spawnSync } from "child_process";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import type { SimulatedResource } from "../../harness/simulate";

export { projectDir, simulateVariant } from "../../harness/project";
import { projectDir } from "../../harness/project";

/** A directory of this test process's own for the stack files it writes: never the project root. */
export const scratchDir = mkdtempSync(join(tmpdir(), "tracing-unit-"));

export { list, obj, podSpecOf, strings, text } from "../../harness/resource-view";
export type { Obj } from "../../harness/resource-view";
import { obj, type Obj } from "../../harness/resource-view";

/** `kubernetes:apps/v1:DaemonSet` → `{ apiVersion: "apps/v1", kind: "DaemonSet" }`; null for non-Kubernetes types. */
export function kubernetesKind(type: string): { apiVersion: string; kind: string } | null {
    const m = /^kubernetes:([^:]+):([A-Za-z]+)$/.exec(type);
    if (m === null || m[1].startsWith("helm.sh") || m[2].endsWith("Patch")) return null;
    const apiVersion = m[1].startsWith("core/") ? m[1].slice("core/".length) : m[1];
    return { apiVersion, kind: m[2] };
}

/** What the program deploys: reads of existing objects (`Resource.get`) left out. */
export const deployed = (resources: SimulatedResource[]): SimulatedResource[] =>
    resources.filter((r) => r.readId === undefined);

/** Every Kubernetes object a run registered, as a manifest (patches, reads and Helm releases excluded). */
export function manifests(resources: SimulatedResource[]): Obj[] {
    return deployed(resources).flatMap((r) => {
        const k = kubernetesKind(r.type);
        return k === null ? [] : [{ ...r.inputs, apiVersion: k.apiVersion, kind: k.kind }];
    });
}

export function find(resources: SimulatedResource[], type: string, metadataName: string): SimulatedResource {
    const found = deployed(resources).filter((r) => r.type === type && obj(r.inputs.metadata).name === metadataName);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${metadataName}, found ${found.length}`);
    return found[0];
}

export function ofType(resources: SimulatedResource[], type: string): SimulatedResource[] {
    return deployed(resources).filter((r) => r.type === type);
}

/** The collector configuration held in a ConfigMap, parsed. */
export function configMapYaml(resource: SimulatedResource, key = "config.yaml"): Obj {
    return obj(parse(String(obj(resource.inputs.data)[key])));
}

export interface CheckRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `npm run check` the way a user does (without npm's banner), in a child process. */
export function runCheck(args: string[]): CheckRun {
    const result = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", join(projectDir, "scripts", "check.ts"), ...args],
        {
            cwd: projectDir,
            encoding: "utf8",
            timeout: 60000,
        },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface SchemaResult {
    apiVersion: string;
    kind: string;
    name: string;
    error: string | null;
}

/** Validates manifests against the upstream models (ES-module packages, hence a child process). */
export function validateAgainstUpstreamSchemas(objects: Obj[]): SchemaResult[] {
    const out = execFileSync(process.execPath, [join(__dirname, "..", "schema", "validate-manifests.mjs")], {
        cwd: projectDir,
        input: JSON.stringify(objects),
        encoding: "utf8",
    });
    return JSON.parse(out) as SchemaResult[];
}
