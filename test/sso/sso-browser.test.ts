import { createHash } from "crypto";
import { mkdirSync, readFileSync, statSync } from "fs";
import { request as httpsRequest } from "https";
import { join } from "path";
import { Browser, BrowserContext, Page } from "playwright-core";
import { startJaeger } from "../../harness/pipeline";
import { overrideFlags } from "../e2e/support/mounts";
import { freePort, portOpen, runDir, start, stopAll, waitFor } from "../../harness/processes";
import { tools } from "../../harness/tools";
import { projectDir } from "../support/resources";
import {
    flag,
    fromPage as fetchFromPage,
    launchChromium,
    mountProviderCa,
    prodResources,
    proxyContainer,
    pushOtlp,
    startIdp,
} from "./support/stand";
import { makeTestTls, TestTls } from "./support/tls";

// Into the run's scratch directory, so that a test run leaves the working tree as it was;
// SSO_SCREENSHOT=docs/images/jaeger-ui-through-sso.png refreshes the README's picture.
const screenshot =
    process.env.SSO_SCREENSHOT === undefined
        ? join(runDir, "jaeger-ui-through-sso.png")
        : join(projectDir, process.env.SSO_SCREENSHOT);
const traceId = "4711471147114711a1b2c3d4e5f60718";
const users = {
    // An engineer the all view admits (the stacks give it to Support and DevOps; developers have their team's view).
    "dev@jewellery.example": { groups: ["tracing-devops"] },
    "outsider@jewellery.example": { groups: ["marketing"] },
    "guest@other.example": { groups: ["tracing-devops"] },
    // A support engineer in 300 corporate LDAP groups, one of them ours. Names as unalike as real ones
    // (oauth2-proxy compresses its session, so repetitive names would hide the size).
    "veteran@jewellery.example": {
        groups: [
            ...Array.from(
                { length: 299 },
                (_, i) => `cn=${createHash("sha256").update(String(i)).digest("base64url").slice(0, 24)},ou=groups`,
            ),
            "tracing-support",
        ],
    },
};

/** ingress-nginx's proxy buffer as the program sets it for that controller (its default is 4k). */
const proxyBufferBytes = 16 * 1024;

let tls: TestTls;
let proxyUrl: string;
let idpUrl: string;
let browser: Browser;
let cookieName: string;
let renderedArgs: string[];
let providerCaFile: string;

jest.setTimeout(120000);

beforeAll(async () => {
    const dir = join(runDir, "sso");
    mkdirSync(dir, { recursive: true });
    tls = makeTestTls(dir);
    const proxy = proxyContainer(prodResources(), "oauth2-proxy");
    renderedArgs = proxy.args;
    // The stack's IdP CA bundle, mounted as the rendered volume says (only the file's location moves).
    providerCaFile = mountProviderCa(proxy, join(dir, "mounts"), tls.caFile);
    cookieName = flag(renderedArgs, "cookie-name") ?? "_oauth2_proxy";

    const jaeger = await startJaeger("sso-jaeger");
    const now = BigInt(Date.now()) * 1000000n;
    const otlp = {
        resourceSpans: [
            {
                resource: { attributes: [{ key: "service.name", value: { stringValue: "mes-api" } }] },
                scopeSpans: [
                    {
                        spans: [
                            {
                                traceId,
                                spanId: "a1b2c3d4e5f60718",
                                name: "POST /orders/{id}/price",
                                kind: 2,
                                startTimeUnixNano: String(now - 250000000n),
                                endTimeUnixNano: String(now),
                                attributes: [{ key: "order.id", value: { stringValue: "4711" } }],
                            },
                        ],
                    },
                ],
            },
        ],
    };
    await pushOtlp(jaeger.otlpHttp, otlp);

    const proxyPort = await freePort();
    proxyUrl = `https://127.0.0.1:${proxyPort}`;
    const clientSecret = "sso-test-client-secret";
    idpUrl = await startIdp(
        tls,
        {
            clientId: flag(renderedArgs, "client-id") ?? "",
            clientSecret,
            redirectUris: [`${proxyUrl}/oauth2/callback`],
        },
        users,
    );

    // Overrides, only where production points elsewhere: the IdP and Jaeger on loopback, where the
    // mounted CA file lies here, HTTPS on loopback (so Secure cookies work as in production), and the
    // test browser as the one trusted proxy (it connects directly). Groups, domains, cookie settings
    // and the IdP's CA (from the rendered volume) stay as rendered.
    const args = overrideFlags(renderedArgs, {
        "oidc-issuer-url": idpUrl,
        "provider-ca-file": providerCaFile,
        upstream: jaeger.queryUrl,
        "redirect-url": `${proxyUrl}/oauth2/callback`,
        "http-address": `127.0.0.1:${await freePort()}`,
        "metrics-address": `127.0.0.1:${await freePort()}`,
        "https-address": `127.0.0.1:${proxyPort}`,
        "tls-cert-file": tls.certFile,
        "tls-key-file": tls.keyFile,
        "trusted-proxy-ip": "127.0.0.1/32",
    });
    start("oauth2-proxy", tools.oauth2Proxy(), args, {
        OAUTH2_PROXY_CLIENT_SECRET: clientSecret,
        OAUTH2_PROXY_COOKIE_SECRET: "0123456789abcdef0123456789abcdef",
    });
    await waitFor("oauth2-proxy", () => portOpen(proxyPort));

    browser = await launchChromium(tls);
}, 120000);

afterAll(async () => {
    await browser?.close();
    await stopAll();
});

/** A request from inside the page, redirects not followed (a redirect shows as status 0). */
const fromPage = (page: Page, path: string): Promise<{ status: number; body: string }> =>
    fetchFromPage(page, `${proxyUrl}${path}`);

async function logIn(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${proxyUrl}/`);
    await page.waitForURL((u) => u.origin === idpUrl, { timeout: 15000 });
    await page.fill('input[name="login"]', email);
    await page.fill('input[name="password"]', "any");
    await page.click('button[type="submit"]');
    // oidc-provider asks for consent once per client.
    const consent = page.locator('button[type="submit"]');
    if (new URL(page.url()).origin === idpUrl && (await consent.count()) > 0) await consent.first().click();
    await page.waitForURL((u) => u.origin === proxyUrl, { timeout: 15000 });
    await page.waitForLoadState("networkidle");
    return page;
}

describe("SSO in front of the Jaeger UI, in a real browser", () => {
    it("sends an anonymous visitor to the IdP's login", async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${proxyUrl}/search`);
        await page.waitForURL((u) => u.origin === idpUrl, { timeout: 15000 });
        expect(await page.locator('input[name="login"]').count()).toBe(1);
        await context.close();
    });

    it("lets a developer in: Jaeger's UI server and the trace come through the proxy, and the screenshot is saved", async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await logIn(context, "dev@jewellery.example");
        // Landed on Jaeger query's own UI route (the Go module ships a placeholder page instead of the
        // separately built React assets), served through oauth2-proxy.
        expect(new URL(page.url()).origin).toBe(proxyUrl);
        expect((await fromPage(page, "/api/services")).body).toContain("mes-api");
        const trace = await fromPage(page, `/api/traces/${traceId}`);
        expect(trace.status).toBe(200);
        expect(trace.body).toContain('"order.id"');
        expect(trace.body).toContain("4711");
        // What the engineer sees: the trace, found by order id, through SSO.
        await page.goto(`${proxyUrl}/api/traces?service=mes-api&tags=${encodeURIComponent('{"order.id":"4711"}')}`);
        await page.getByText("POST /orders/{id}/price").first().waitFor({ timeout: 15000 });
        const prettyPrint = page.locator('input[type="checkbox"]');
        if ((await prettyPrint.count()) > 0) await prettyPrint.first().check();
        await page.screenshot({ path: screenshot });
        expect(statSync(screenshot).size).toBeGreaterThan(10000);
        await context.close();
    });

    it("lets a user with 300 groups in, with response headers that fit a reverse proxy's buffer", async () => {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${proxyUrl}/`);
        await page.waitForURL((u) => u.origin === idpUrl, { timeout: 15000 });
        await page.fill('input[name="login"]', "veteran@jewellery.example");
        await page.fill('input[name="password"]', "any");
        const callback = page.waitForResponse((r) => r.url().startsWith(`${proxyUrl}/oauth2/callback`), {
            timeout: 15000,
        });
        await page.click('button[type="submit"]');
        const consent = page.locator('button[type="submit"]');
        if (new URL(page.url()).origin === idpUrl && (await consent.count()) > 0)
            await consent
                .first()
                .click()
                .catch(() => undefined);
        const response = await callback;
        // What a proxy in front must buffer: the callback's whole header block (the session cookies).
        const headerBytes = (await response.headersArray()).reduce((n, h) => n + h.name.length + h.value.length + 4, 0);
        process.stdout.write(`sso: the callback for a user with 300 groups sends ${headerBytes} bytes of headers\n`);
        expect(headerBytes).toBeLessThan(proxyBufferBytes);
        await page.waitForURL((u) => u.origin === proxyUrl && !u.pathname.startsWith("/oauth2/"), { timeout: 15000 });
        expect((await fromPage(page, "/api/services")).body).toContain("mes-api");
        await context.close();
    });

    it.each(["outsider@jewellery.example", "guest@other.example"])(
        "refuses %s with 403 and never reaches Jaeger",
        async (email) => {
            const context = await browser.newContext();
            const page = await context.newPage();
            await page.goto(`${proxyUrl}/`);
            await page.waitForURL((u) => u.origin === idpUrl, { timeout: 15000 });
            await page.fill('input[name="login"]', email);
            await page.fill('input[name="password"]', "any");
            const callback = page.waitForResponse((r) => r.url().startsWith(`${proxyUrl}/oauth2/callback`), {
                timeout: 15000,
            });
            await page.click('button[type="submit"]');
            const consent = page.locator('button[type="submit"]');
            if (new URL(page.url()).origin === idpUrl && (await consent.count()) > 0)
                await consent
                    .first()
                    .click()
                    .catch(() => undefined);
            expect((await callback).status()).toBe(403);
            expect((await context.cookies()).some((c) => c.name === cookieName)).toBe(false);
            const api = await fromPage(page, "/api/services");
            expect(api.status).not.toBe(200);
            expect(api.body).not.toContain("mes-api");
            await context.close();
        },
    );

    it("keeps the session in a Secure, HttpOnly cookie with the rendered SameSite, out of page script's reach", async () => {
        const context = await browser.newContext();
        const page = await logIn(context, "dev@jewellery.example");
        const cookie = (await context.cookies(proxyUrl)).find((c) => c.name === cookieName);
        expect(cookie).toBeDefined();
        const sameSite = flag(renderedArgs, "cookie-samesite") ?? "";
        expect(cookie).toMatchObject({
            secure: true,
            httpOnly: true,
            sameSite: sameSite.charAt(0).toUpperCase() + sameSite.slice(1),
        });
        expect(await page.evaluate(() => document.cookie)).not.toContain(cookieName);
        await context.close();
    });

    it("ends the session on sign-out", async () => {
        const context = await browser.newContext();
        const page = await logIn(context, "dev@jewellery.example");
        expect((await fromPage(page, "/api/services")).status).toBe(200);
        // Not followed: the redirect to "/" would start a new login at the IdP, whose own session is still open.
        await fromPage(page, "/oauth2/sign_out");
        expect((await context.cookies(proxyUrl)).some((c) => c.name === cookieName)).toBe(false);
        const after = await fromPage(page, "/api/services");
        expect(after.status).not.toBe(200);
        expect(after.body).not.toContain("mes-api");
        await context.close();
    });
});

/**
 * A request from a loopback address of our choosing, redirects not followed: 127.0.0.1 is the one
 * trusted proxy (the suite's --trusted-proxy-ip), 127.0.0.2 a client anywhere else.
 */
function requestFrom(
    localAddress: string,
    path: string,
    headers: Record<string, string>,
): Promise<{ status: number; location: string }> {
    const url = new URL(path, proxyUrl);
    return new Promise((resolve, reject) => {
        const req = httpsRequest(
            {
                host: url.hostname,
                port: url.port,
                path: url.pathname + url.search,
                method: "GET",
                headers,
                localAddress,
                ca: readFileSync(tls.caFile),
            },
            (res) => {
                res.resume();
                res.on("end", () =>
                    resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? "") }),
                );
            },
        );
        req.on("error", reject);
        req.end();
    });
}

/** oauth2-proxy's request log lines for one path (its log names the client it believes in first). */
const requestLog = (marker: string): string[] =>
    readFileSync(join(runDir, "oauth2-proxy.log"), "utf8")
        .split("\n")
        .filter((l) => l.includes(marker));

describe("forwarded headers count only from the trusted proxy (GHSA-7x63-xv5r-3p2x)", () => {
    const forged = {
        "X-Forwarded-For": "10.8.0.99",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Uri": "/forged-path",
        "X-Forwarded-Email": "dev@jewellery.example",
        "X-Forwarded-User": "dev",
        "X-Forwarded-Preferred-Username": "dev",
    };

    it("ignores them from any other address: no identity, the login comes back to the path asked for, the host asked for is ours", async () => {
        const marker = `/search?spoof=${Date.now()}`;
        const res = await requestFrom("127.0.0.2", marker, forged);
        // Not let through to Jaeger as dev: sent to log in, and the way back (the state) is the path
        // actually requested, not the forged X-Forwarded-Uri.
        expect(res.status).toBe(302);
        expect(decodeURIComponent(res.location)).toContain(`:${marker}`);
        expect(decodeURIComponent(res.location)).not.toContain("forged-path");
        const api = await requestFrom("127.0.0.2", "/api/services", forged);
        expect(api.status).not.toBe(200);
        await waitFor("the request in oauth2-proxy's log", async () => requestLog(marker).length > 0, 5000);
        // The request log names the host oauth2-proxy believes was asked for. (It also names the client
        // from X-Real-IP whoever sends it, trusted or not: upstream reads that header without the trust
        // check, for logs only; in the cluster only the ingress controller reaches the proxy at all.)
        expect(requestLog(marker).every((l) => !l.includes(" evil.example "))).toBe(true);
    });

    it("honours them from the trusted proxy, which is what makes the range matter", async () => {
        const marker = `/search?trusted=${Date.now()}`;
        const res = await requestFrom("127.0.0.1", marker, forged);
        expect(res.status).toBe(302);
        expect(decodeURIComponent(res.location)).toContain(":/forged-path");
        await waitFor("the request in oauth2-proxy's log", async () => requestLog(marker).length > 0, 5000);
        expect(requestLog(marker).every((l) => l.includes(" evil.example GET "))).toBe(true);
    });
});
