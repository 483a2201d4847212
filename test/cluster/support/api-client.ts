import { readFileSync } from "fs";
import { request } from "https";
import { obj, Obj } from "../../support/resources";
import type { Pki } from "./pki";

export interface ApiResponse {
    status: number;
    body: Obj;
    /** The API server's `Warning` headers (deprecations, Pod Security `warn`, unknown fields). */
    warnings: string[];
}

interface ResourceInfo {
    plural: string;
    namespaced: boolean;
}

/**
 * Talks to the API server as the Pulumi Kubernetes provider does: server-side apply is a PATCH of
 * type application/apply-patch+yaml with a field manager, `force` and field validation as query
 * parameters. (kubectl's own server-side apply also migrates client-side-apply ownership to its
 * field manager, which Pulumi does not do, so it cannot stand in for the provider.)
 */
export class ApiClient {
    private readonly ca: Buffer;
    private readonly cert: Buffer;
    private readonly key: Buffer;
    private readonly discovered = new Map<string, Map<string, ResourceInfo>>();

    constructor(
        readonly server: string,
        pki: Pki,
    ) {
        this.ca = readFileSync(pki.caCert);
        this.cert = readFileSync(pki.adminCert);
        this.key = readFileSync(pki.adminKey);
    }

    call(method: string, path: string, body?: string, contentType = "application/json"): Promise<ApiResponse> {
        const url = new URL(path, this.server);
        return new Promise((resolve, reject) => {
            const req = request(
                url,
                {
                    method,
                    ca: this.ca,
                    cert: this.cert,
                    key: this.key,
                    headers:
                        body === undefined
                            ? {}
                            : { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) },
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const text = Buffer.concat(chunks).toString("utf8");
                        let parsed: Obj;
                        try {
                            parsed = JSON.parse(text) as Obj;
                        } catch {
                            parsed = { message: text };
                        }
                        const w: unknown = res.headers["warning"];
                        const warnings = [w]
                            .flat()
                            .filter((x): x is string => typeof x === "string")
                            .map((x) => x.replace(/^299 - "?/, "").replace(/"$/, ""));
                        resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
                    });
                },
            );
            req.on("error", reject);
            if (body !== undefined) req.write(body);
            req.end();
        });
    }

    /** The REST path of an object (or of its collection when `name` is undefined), from discovery. */
    async pathOf(
        apiVersion: string,
        kind: string,
        namespace: string | undefined,
        name: string | undefined,
    ): Promise<string> {
        const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        let kinds = this.discovered.get(apiVersion);
        if (kinds === undefined || !kinds.has(kind)) {
            const res = await this.call("GET", base);
            if (res.status !== 200)
                throw new Error(`the API server does not serve ${apiVersion}: ${String(res.body.message)}`);
            kinds = new Map();
            for (const r of (res.body.resources as Obj[] | undefined) ?? []) {
                if (String(r.name).includes("/")) continue;
                kinds.set(String(r.kind), { plural: String(r.name), namespaced: r.namespaced === true });
            }
            this.discovered.set(apiVersion, kinds);
        }
        const info = kinds.get(kind);
        if (info === undefined) throw new Error(`the API server serves no ${kind} in ${apiVersion}`);
        const ns = info.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
        return `${base}${ns}/${info.plural}${name === undefined ? "" : `/${name}`}`;
    }

    private async objectPath(o: Obj): Promise<string> {
        const m = obj(o.metadata);
        return this.pathOf(
            String(o.apiVersion),
            String(o.kind),
            typeof m.namespace === "string" ? m.namespace : undefined,
            String(m.name),
        );
    }

    /** Server-side apply with strict field validation (an unknown or duplicate field is an error). */
    async apply(o: Obj, fieldManager: string, options: { force: boolean; dryRun?: boolean }): Promise<ApiResponse> {
        const query = new URLSearchParams({ fieldManager, fieldValidation: "Strict", force: String(options.force) });
        if (options.dryRun === true) query.set("dryRun", "All");
        return this.call(
            "PATCH",
            `${await this.objectPath(o)}?${query.toString()}`,
            JSON.stringify(o),
            "application/apply-patch+yaml",
        );
    }

    async get(o: Obj): Promise<Obj | null> {
        const res = await this.call("GET", await this.objectPath(o));
        if (res.status === 404) return null;
        if (res.status !== 200)
            throw new Error(
                `GET ${String(o.kind)} ${String(obj(o.metadata).name)}: ${res.status} ${String(res.body.message)}`,
            );
        return res.body;
    }

    async delete(o: Obj): Promise<ApiResponse> {
        return this.call(
            "DELETE",
            await this.objectPath(o),
            JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" }),
        );
    }
}
