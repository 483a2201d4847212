import { mkdirSync, readFileSync } from "fs";
import { request as httpsRequest, Server } from "https";
import { join } from "path";
import { Browser, BrowserContext, Page } from "playwright-core";
import { Jaeger, startJaeger } from "../../harness/pipeline";
import { freePort, portOpen, runDir, start, stopAll, waitFor } from "../../harness/processes";
import type { SimulatedResource } from "../../harness/simulate";
import { tools } from "../../harness/tools";
import { overrideFlags, RenderedContainer } from "../e2e/support/mounts";
import { configMapYaml, find, obj } from "../support/resources";
import { Passed, renderedIngress, startIngress } from "./support/ingress";
import {
    flag,
    fromPage,
    launchChromium,
    mountProviderCa,
    prodResources,
    proxyContainer,
    pushOtlp,
    signIn,
    startIdp,
} from "./support/stand";
import { makeTestTls, TestTls } from "./support/tls";

/**
 * Team views (issue #17) as a person meets them: the prod stack's all-view proxy at the UI root and
 * the shop view's proxy under /views/shop, each with its rendered flags, in front of their own Jaeger,
 * behind one HTTPS front routing as the rendered Ingress does.
 */

const view = "shop";
const traceId = "5e1f0000c0ffee00a1b2c3d4e5f60718";
const users = {
    // A Shop developer: the stacks give the shop view to tracing-team-shop.
    "shop-dev@jewellery.example": { groups: ["tracing-team-shop"] },
    // DevOps: the all view (tracing:sso.allowedGroups), no team view.
    "devops@jewellery.example": { groups: ["tracing-devops"] },
};

let tls: TestTls;
let browser: Browser;
let front: string;
let idpUrl: string;
let passed: Passed[];
let ingress: Server | undefined;
/** The rendered args of the all view's proxy and the shop view's. */
let allArgs: string[];
let shopArgs: string[];
/** The path the shop view is served under, from the rendered Ingress and the shop Jaeger's config. */
let shopPath: string;

jest.setTimeout(60000);

/** The trace as the gateway delivers it: every span to the all view's Jaeger, shop-api's to the shop view's. */
function spansOf(service: string, spans: { spanId: string; parent?: string; name: string }[], now: bigint): object {
    return {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeSpans: [
            {
                spans: spans.map((s, i) => ({
                    traceId,
                    spanId: s.spanId,
                    ...(s.parent === undefined ? {} : { parentSpanId: s.parent }),
                    name: s.name,
                    kind: 2,
                    startTimeUnixNano: String(now - 300000000n + BigInt(i) * 1000000n),
                    endTimeUnixNano: String(now - BigInt(i) * 1000000n),
                })),
            },
        ],
    };
}

/** Span count and services of a trace as Jaeger's API returns it. */
function traceSummary(body: string): { spans: number; services: string[] } {
    const trace = (
        JSON.parse(body) as { data: { spans: unknown[]; processes: Record<string, { serviceName: string }> }[] }
    ).data[0];
    return {
        spans: trace.spans.length,
        services: [...new Set(Object.values(trace.processes).map((p) => p.serviceName))].sort(),
    };
}

/** The base path a rendered Jaeger config serves its UI and API under. */
const basePathOf = (resources: SimulatedResource[], configMap: string): string =>
    String(
        obj(obj(configMapYaml(find(resources, "kubernetes:core/v1:ConfigMap", configMap)).extensions).jaeger_query)
            .base_path,
    );

/**
 * A rendered proxy, adapted only where there is no cluster: the IdP and the upstream Jaeger on
 * loopback (the upstream's scheme and path stay), the redirect URL's host (its path stays), where the
 * mounted CA lies, loopback listen addresses, the front as the one trusted proxy.
 */
async function startProxy(
    name: string,
    proxy: RenderedContainer,
    jaeger: Jaeger,
    cookieSecret: string,
    clientSecret: string,
): Promise<number> {
    const rendered = (f: string): string => {
        const v = flag(proxy.args, f);
        if (v === undefined) throw new Error(`${name} is rendered without --${f}`);
        return v;
    };
    const upstream = rendered("upstream");
    const redirect = rendered("redirect-url");
    const port = await freePort();
    const args = overrideFlags(proxy.args, {
        "oidc-issuer-url": idpUrl,
        "provider-ca-file": mountProviderCa(proxy, join(runDir, "sso-views", name), tls.caFile),
        upstream: upstream.replace(new URL(upstream).origin, new URL(jaeger.queryUrl).origin),
        "redirect-url": redirect.replace(new URL(redirect).origin, front),
        "http-address": `127.0.0.1:${port}`,
        "metrics-address": `127.0.0.1:${await freePort()}`,
        "trusted-proxy-ip": "127.0.0.1/32",
    });
    start(name, tools.oauth2Proxy(), args, {
        OAUTH2_PROXY_CLIENT_SECRET: clientSecret,
        OAUTH2_PROXY_COOKIE_SECRET: cookieSecret,
    });
    await waitFor(name, () => portOpen(port));
    return port;
}

beforeAll(async () => {
    const dir = join(runDir, "sso-views");
    mkdirSync(dir, { recursive: true });
    tls = makeTestTls(dir);
    const resources = prodResources();
    const allProxy = proxyContainer(resources, "oauth2-proxy");
    const shopProxy = proxyContainer(resources, `oauth2-proxy-${view}`);
    allArgs = allProxy.args;
    shopArgs = shopProxy.args;
    const ui = renderedIngress(resources, "jaeger-ui");
    const shopRoute = ui.paths.find((p) => p.service === `oauth2-proxy-${view}`);
    if (shopRoute === undefined) throw new Error(`the Ingress sends no path to oauth2-proxy-${view}`);
    shopPath = shopRoute.path;

    const [allJaeger, shopJaeger] = await Promise.all([
        startJaeger("views-jaeger-all", basePathOf(resources, "jaeger-query")),
        startJaeger(`views-jaeger-${view}`, basePathOf(resources, `jaeger-${view}`)),
    ]);
    const now = BigInt(Date.now()) * 1000000n;
    const shopSpans = spansOf(
        "shop-api",
        [
            { spanId: "a1b2c3d4e5f60001", name: "POST /checkout" },
            { spanId: "a1b2c3d4e5f60002", parent: "a1b2c3d4e5f60001", name: "GET /basket" },
        ],
        now,
    );
    const crmSpans = spansOf(
        "crm-api",
        [{ spanId: "a1b2c3d4e5f60003", parent: "a1b2c3d4e5f60001", name: "GET /customers/{id}" }],
        now,
    );
    await pushOtlp(allJaeger.otlpHttp, { resourceSpans: [shopSpans, crmSpans] });
    await pushOtlp(shopJaeger.otlpHttp, { resourceSpans: [shopSpans] });
    const stored = (jaeger: Jaeger, spans: number) => async (): Promise<boolean> => {
        const res = await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`);
        return res.ok && traceSummary(await res.text()).spans === spans;
    };
    await waitFor("the trace in the all view's Jaeger", stored(allJaeger, 3));
    await waitFor("the trace in the shop view's Jaeger", stored(shopJaeger, 2));

    const frontPort = await freePort();
    front = `https://127.0.0.1:${frontPort}`;
    const clientSecret = "sso-views-client-secret";
    const callbacks = [allArgs, shopArgs].map((a) => `${front}${new URL(flag(a, "redirect-url") ?? "").pathname}`);
    // One IdP client for the UI host (both proxies render the same --client-id), both callbacks registered.
    const clientId = flag(allArgs, "client-id") ?? "";
    if (flag(shopArgs, "client-id") !== clientId) throw new Error("the views' proxies render different client ids");
    idpUrl = await startIdp(tls, { clientId, clientSecret, redirectUris: callbacks }, users, "views-idp");

    // Each proxy with a cookie secret of its own, as each rendered Deployment reads its own Secret.
    const [allPort, shopPort] = await Promise.all([
        startProxy("views-oauth2-proxy", allProxy, allJaeger, "0123456789abcdef0123456789abcdef", clientSecret),
        startProxy(
            `views-oauth2-proxy-${view}`,
            shopProxy,
            shopJaeger,
            "fedcba9876543210fedcba9876543210",
            clientSecret,
        ),
    ]);
    const started = await startIngress(tls, frontPort, ui.paths, {
        "oauth2-proxy": allPort,
        [`oauth2-proxy-${view}`]: shopPort,
    });
    ingress = started.server;
    passed = started.passed;
    browser = await launchChromium(tls);
}, 60000);

afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (ingress === undefined ? resolve(undefined) : ingress.close(resolve)));
    await stopAll();
});

/** A request through the front without any session, redirects not followed. */
function anonymous(path: string, accept: string): Promise<{ status: number; location: string; body: string }> {
    const url = new URL(path, front);
    return new Promise((resolve, reject) => {
        const req = httpsRequest(
            {
                host: url.hostname,
                port: url.port,
                path: url.pathname + url.search,
                headers: { accept },
                ca: readFileSync(tls.caFile),
            },
            (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (c: string) => (body += c));
                res.on("end", () =>
                    resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ""), body }),
                );
            },
        );
        req.on("error", reject);
        req.end();
    });
}

const callbackOf = (args: string[]): string => `${front}${new URL(flag(args, "redirect-url") ?? "").pathname}`;

describe("team views: the shop view and the all view, each behind its own oauth2-proxy on one UI host", () => {
    it("serves the shop view under the Ingress path the rendered proxy and Jaeger use", () => {
        expect(shopPath).toBe(`/views/${view}`);
        expect(flag(shopArgs, "proxy-prefix")).toBe(`${shopPath}/oauth2`);
        expect(flag(shopArgs, "cookie-path")).toBe(shopPath);
        expect(new URL(flag(shopArgs, "redirect-url") ?? "").pathname).toBe(`${shopPath}/oauth2/callback`);
    });

    it.each([
        ["the all view's", "/api/traces/"],
        ["the all view's", "/api/services"],
        ["the shop view's", "/views/shop/api/traces/"],
        ["the shop view's", "/views/shop/api/services"],
    ])("answers %s query API %s without a session with a login or 401, never with data", async (_, path) => {
        const target = path.endsWith("/") ? `${path}${traceId}` : path;
        const callback = callbackOf(target.startsWith(shopPath) ? shopArgs : allArgs);
        for (const accept of ["text/html", "application/json"]) {
            const res = await anonymous(target, accept);
            expect([302, 401]).toContain(res.status);
            expect(res.body).not.toMatch(/shop-api|crm-api|POST \/checkout/);
            // A browser goes to the IdP, to come back to this view's own callback.
            if (res.status === 302) {
                const login = new URL(res.location);
                expect(login.origin).toBe(idpUrl);
                expect(login.searchParams.get("redirect_uri")).toBe(callback);
            }
        }
    });

    describe("a Shop developer", () => {
        let context: BrowserContext;
        let page: Page;
        const email = "shop-dev@jewellery.example";

        beforeAll(async () => {
            context = await browser.newContext();
            page = await context.newPage();
        });
        afterAll(async () => {
            await context?.close();
        });

        it("logs in at /views/shop/ and gets the shop view's Jaeger, with shop-api's spans only", async () => {
            const callback = await signIn(page, `${front}${shopPath}/`, email, callbackOf(shopArgs));
            expect(callback.status()).toBe(302);
            expect(new URL(page.url()).pathname).toBe(`${shopPath}/`);
            const services = await fromPage(page, `${front}${shopPath}/api/services`);
            expect(services.status).toBe(200);
            expect(services.body).toContain("shop-api");
            expect(services.body).not.toContain("crm-api");
            const trace = await fromPage(page, `${front}${shopPath}/api/traces/${traceId}`);
            expect(trace.status).toBe(200);
            expect(traceSummary(trace.body)).toEqual({ spans: 2, services: ["shop-api"] });
        });

        it("holds the session in _tracing_sso_shop, Secure, HttpOnly and scoped to /views/shop", async () => {
            const cookies = await context.cookies(`${front}${shopPath}/`);
            const session = cookies.filter((c) => c.name === `_tracing_sso_${view}`);
            expect(session).toHaveLength(1);
            expect(session[0]).toMatchObject({ path: shopPath, secure: true, httpOnly: true });
            // No session of the all view's came with it.
            expect((await context.cookies(`${front}/`)).map((c) => c.name)).not.toContain(flag(allArgs, "cookie-name"));
        });

        it("gets 403 at the all view: the UI root and a trace, and the shop session never opens it", async () => {
            // The shop session is not sent outside /views/shop: the all view wants a login of its own.
            const api = await fromPage(page, `${front}/api/traces/${traceId}`);
            expect(api.status).toBe(0);
            // The IdP knows the user already and sends them straight back; the all view refuses them.
            for (const path of ["/", `/api/traces/${traceId}`]) {
                const callback = await signIn(page, `${front}${path}`, email, callbackOf(allArgs));
                expect(callback.status()).toBe(403);
                expect(await page.content()).not.toMatch(/crm-api|shop-api/);
            }
            expect((await context.cookies(`${front}/`)).map((c) => c.name)).not.toContain(flag(allArgs, "cookie-name"));
            // What the browser sent: the shop session only ever along with requests for the shop view.
            const toAllView = passed.filter((p) => p.service === "oauth2-proxy");
            expect(toAllView.length).toBeGreaterThan(0);
            expect(toAllView.filter((p) => p.cookies.includes(`_tracing_sso_${view}`))).toEqual([]);
            expect(
                passed
                    .filter((p) => p.cookies.includes(`_tracing_sso_${view}`))
                    .every((p) => p.path.startsWith(`${shopPath}/`)),
            ).toBe(true);
            // Still in the shop view.
            expect((await fromPage(page, `${front}${shopPath}/api/services`)).status).toBe(200);
        });
    });

    describe("a DevOps engineer", () => {
        let context: BrowserContext;
        let page: Page;
        const email = "devops@jewellery.example";

        beforeAll(async () => {
            context = await browser.newContext();
            page = await context.newPage();
        });
        afterAll(async () => {
            await context?.close();
        });

        it("gets the all view: the whole trace, shop-api's and crm-api's spans, through /api/traces/<id>", async () => {
            const callback = await signIn(page, `${front}/`, email, callbackOf(allArgs));
            expect(callback.status()).toBe(302);
            expect(new URL(page.url()).pathname).toBe("/");
            const trace = await fromPage(page, `${front}/api/traces/${traceId}`);
            expect(trace.status).toBe(200);
            expect(traceSummary(trace.body)).toEqual({ spans: 3, services: ["crm-api", "shop-api"] });
        });

        it("gets 403 at /views/shop/: DevOps is not one of the shop view's groups", async () => {
            const callback = await signIn(page, `${front}${shopPath}/`, email, callbackOf(shopArgs));
            expect(callback.status()).toBe(403);
            expect((await context.cookies(`${front}${shopPath}/`)).map((c) => c.name)).not.toContain(
                `_tracing_sso_${view}`,
            );
            const api = await fromPage(page, `${front}${shopPath}/api/services`);
            expect(api.status).not.toBe(200);
            expect(api.body).not.toContain("shop-api");
            // The all view's session stays good.
            expect((await fromPage(page, `${front}/api/services`)).status).toBe(200);
        });
    });
});
