import { appendFileSync, readFileSync } from "fs";
import { IncomingHttpHeaders, request as httpRequest } from "http";
import { createServer, Server } from "https";
import { join } from "path";
import { runDir } from "../../../harness/processes";
import type { SimulatedResource } from "../../../harness/simulate";
import { find, obj } from "../../support/resources";
import type { TestTls } from "./tls";

/** One path of a rendered Ingress rule: a Prefix path and the Service it sends to. */
export interface IngressPath {
    path: string;
    pathType: string;
    service: string;
    port: number;
}

/** The host and paths of the rendered Ingress (its one rule). */
export function renderedIngress(resources: SimulatedResource[], name: string): { host: string; paths: IngressPath[] } {
    const spec = obj(find(resources, "kubernetes:networking.k8s.io/v1:Ingress", name).inputs.spec);
    const rules = spec.rules as {
        host: string;
        http: {
            paths: {
                path: string;
                pathType: string;
                backend: { service: { name: string; port: { number: number } } };
            }[];
        };
    }[];
    if (rules.length !== 1) throw new Error(`Ingress ${name} has ${rules.length} rules, expected one`);
    return {
        host: rules[0].host,
        paths: rules[0].http.paths.map((p) => ({
            path: p.path,
            pathType: p.pathType,
            service: p.backend.service.name,
            port: p.backend.service.port.number,
        })),
    };
}

/**
 * Kubernetes' Prefix match: element-wise on `/`-separated path elements (`/views/shop` matches
 * `/views/shop` and `/views/shop/…`, not `/views/shopping`), the longest matching path wins.
 */
export function routeFor(paths: IngressPath[], requestPath: string): IngressPath | undefined {
    const matches = paths.filter((p) => {
        if (p.pathType !== "Prefix") throw new Error(`pathType ${p.pathType} is not modelled here`);
        const prefix = p.path.replace(/\/+$/, "");
        return prefix === "" || requestPath === prefix || requestPath.startsWith(`${prefix}/`);
    });
    return matches.sort((a, b) => b.path.length - a.path.length)[0];
}

/** What the stand-in saw of one request: where it went and which cookies the browser sent along. */
export interface Passed {
    path: string;
    service: string | undefined;
    cookies: string[];
}

const hopByHop = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "trailer",
    "proxy-authorization",
];

/**
 * The ingress controller, as far as the UI's paths go: TLS for the UI host on 127.0.0.1, each request
 * to the Service the rendered Ingress names for its path (`services` gives the loopback port standing
 * for each; a Service not started here answers 503 as one without endpoints does). Like Traefik on an
 * entry point that trusts no one in front of it, it drops the X-Forwarded-* and X-Real-Ip a client
 * sent and sets its own: X-Forwarded-For/X-Real-Ip (the client's address), X-Forwarded-Host,
 * X-Forwarded-Proto (https), X-Forwarded-Port.
 */
export async function startIngress(
    tls: TestTls,
    port: number,
    paths: IngressPath[],
    services: Record<string, number>,
): Promise<{ server: Server; passed: Passed[] }> {
    const passed: Passed[] = [];
    const log = join(runDir, "ingress.log");
    const server = createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (req, res) => {
        const target = req.url ?? "/";
        const route = routeFor(paths, new URL(target, "https://ingress").pathname);
        const cookies = String(req.headers.cookie ?? "")
            .split(";")
            .map((c) => c.trim().split("=")[0])
            .filter((c) => c !== "");
        passed.push({ path: target, service: route?.service, cookies });
        appendFileSync(
            log,
            `${req.method} ${target} -> ${route?.service ?? "(no route)"} cookies=${cookies.join(",")}\n`,
        );
        const backendPort = route === undefined ? undefined : services[route.service];
        if (backendPort === undefined) {
            res.writeHead(route === undefined ? 404 : 503).end();
            return;
        }
        const client = req.socket.remoteAddress ?? "";
        const headers: IncomingHttpHeaders = {};
        for (const [k, v] of Object.entries(req.headers))
            if (!hopByHop.includes(k) && !k.startsWith("x-forwarded-") && k !== "x-real-ip") headers[k] = v;
        Object.assign(headers, {
            "x-forwarded-for": client,
            "x-real-ip": client,
            "x-forwarded-host": req.headers.host ?? "",
            "x-forwarded-proto": "https",
            "x-forwarded-port": String(port),
        });
        const upstream = httpRequest(
            { host: "127.0.0.1", port: backendPort, method: req.method, path: target, headers },
            (answer) => {
                const out = Object.fromEntries(
                    Object.entries(answer.headers).filter(([k]) => !hopByHop.includes(k)),
                ) as IncomingHttpHeaders;
                res.writeHead(answer.statusCode ?? 502, out);
                answer.pipe(res);
            },
        );
        upstream.on("error", () => {
            if (!res.headersSent) res.writeHead(502);
            res.end();
        });
        req.pipe(upstream);
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
    });
    return { server, passed };
}
