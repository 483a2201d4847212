import { spawnSync } from "child_process";
import type { Obj } from "../../support/resources";
import { clusterTool } from "./cluster-tools";

export interface KubectlResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** The pinned kubectl against the test control plane. */
export class Kubectl {
    constructor(readonly kubeconfig: string) {}

    run(args: string[], input?: string): KubectlResult {
        const r = spawnSync(clusterTool("kubectl"), ["--kubeconfig", this.kubeconfig, ...args], {
            input,
            encoding: "utf8",
            timeout: 120000,
        });
        return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
    }

    /** Runs and throws with kubectl's own message when it fails. */
    ok(args: string[], input?: string): string {
        const r = this.run(args, input);
        if (r.status !== 0)
            throw new Error(`kubectl ${args.join(" ")} failed (${r.status}): ${r.stderr.trim() || r.stdout.trim()}`);
        return r.stdout;
    }

    get(kind: string, name?: string, namespace?: string): Obj | null {
        const r = this.run([
            "get",
            kind,
            ...(name === undefined ? [] : [name]),
            ...(namespace === undefined ? [] : ["-n", namespace]),
            "-o",
            "json",
        ]);
        if (r.status !== 0) {
            if (/NotFound|not found/.test(r.stderr)) return null;
            throw new Error(`kubectl get ${kind} ${name ?? ""} failed: ${r.stderr.trim()}`);
        }
        return JSON.parse(r.stdout) as Obj;
    }

    list(kind: string, namespace?: string): Obj[] {
        const r = this.get(kind, undefined, namespace);
        return ((r?.items as Obj[] | undefined) ?? []).filter((o) => o !== null);
    }

    /**
     * Server-side apply of what the suite itself puts in (CRDs, prerequisites), strictly validated.
     * The program's objects go through ApiClient, as the Pulumi provider sends them.
     */
    applyServerSide(object: Obj, fieldManager: string): KubectlResult {
        return this.run(
            ["apply", "--server-side", `--field-manager=${fieldManager}`, "--validate=strict", "-o", "json", "-f", "-"],
            JSON.stringify(object),
        );
    }
}
