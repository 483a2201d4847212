import { readFileSync } from "fs";
import { join } from "path";
import { Browser, chromium, Page, Response } from "playwright-core";
import type { CheckReport } from "../../../scripts/check";
import { freePort, portOpen, start, waitFor } from "../../../harness/processes";
import type { SimulatedResource } from "../../../harness/simulate";
import { mountConfigMaps, renderedContainer, RenderedContainer } from "../../e2e/support/mounts";
import { find, obj, projectDir, runCheck } from "../../support/resources";
import type { TestTls } from "./tls";

/** What the SSO suites share: the rendered stack, the test IdP, Chromium, OTLP into Jaeger. */

/** Every resource the prod stack renders (`npm run check -- --stack prod --json`). */
export function prodResources(): SimulatedResource[] {
    const check = runCheck(["--stack", "prod", "--json"]);
    if (check.status !== 0) throw new Error(check.stderr);
    return (JSON.parse(check.stdout) as CheckReport).resources;
}

/** A rendered oauth2-proxy Deployment's container and its volumes. */
export function proxyContainer(resources: SimulatedResource[], deployment: string): RenderedContainer {
    return renderedContainer(find(resources, "kubernetes:apps/v1:Deployment", deployment));
}

/** The value of a rendered `--flag=value` (the first one), undefined when absent. */
export function flag(args: string[], name: string): string | undefined {
    const arg = args.find((a) => a.startsWith(`--${name}=`));
    return arg === undefined ? undefined : arg.slice(`--${name}=`.length);
}

/**
 * The stack's IdP CA bundle, mounted as the rendered volume says, with the test IdP's CA as its
 * content (only the file's location moves): returns the scratch file standing for the rendered
 * --provider-ca-file.
 */
export function mountProviderCa(proxy: RenderedContainer, root: string, caFile: string): string {
    const providerCa = flag(proxy.args, "provider-ca-file");
    if (providerCa === undefined) throw new Error("the prod stack gives oauth2-proxy no IdP CA (--provider-ca-file)");
    const configMap = obj(proxy.volumes.find((v) => v.configMap !== undefined)?.configMap) as {
        name?: string;
        items?: { key: string }[];
    };
    if (configMap.name === undefined) throw new Error("the prod stack mounts no ConfigMap into oauth2-proxy");
    const mounted = mountConfigMaps(proxy, root, {
        [configMap.name]: Object.fromEntries((configMap.items ?? []).map((i) => [i.key, readFileSync(caFile, "utf8")])),
    });
    const file = mounted[providerCa];
    if (file === undefined) throw new Error(`--provider-ca-file=${providerCa} is not a file of a mounted volume`);
    return file;
}

export type IdpUsers = Record<string, { groups: string[] }>;

/** The test OpenID provider (sso/idp.mjs, oidc-provider) on https://localhost:<port>; returns its issuer URL. */
export async function startIdp(
    tls: TestTls,
    client: { clientId: string; clientSecret: string; redirectUris: string[] },
    users: IdpUsers,
    name = "idp",
): Promise<string> {
    const port = await freePort();
    start(name, process.execPath, [join(projectDir, "sso", "idp.mjs")], {
        IDP_CONFIG: JSON.stringify({
            port,
            host: "localhost",
            certFile: tls.certFile,
            keyFile: tls.keyFile,
            client: {
                client_id: client.clientId,
                client_secret: client.clientSecret,
                redirect_uris: client.redirectUris,
                grant_types: ["authorization_code"],
                response_types: ["code"],
            },
            users,
        }),
    });
    await waitFor("the identity provider", () => portOpen(port));
    return `https://localhost:${port}`;
}

/** Headless Chromium trusting exactly the test server key, as a browser on the corporate network trusts the corporate CA. */
export function launchChromium(tls: TestTls): Promise<Browser> {
    return chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            `--ignore-certificate-errors-spki-list=${tls.spki}`,
        ],
    });
}

/**
 * A request from inside the page (the browser's own TLS trust and cookies, redirects not followed):
 * what the logged-in browser can reach. A redirect shows as status 0 ("opaqueredirect").
 */
export async function fromPage(page: Page, url: string): Promise<{ status: number; body: string }> {
    return page.evaluate(async (u) => {
        const res = await fetch(u, { redirect: "manual", credentials: "include" });
        return {
            status: res.type === "opaqueredirect" ? 0 : res.status,
            body: res.type === "opaqueredirect" ? "" : await res.text(),
        };
    }, url);
}

/** Sends OTLP/HTTP JSON to a Jaeger's receiver. */
export async function pushOtlp(otlpHttp: string, body: unknown): Promise<void> {
    const res = await fetch(`${otlpHttp}/v1/traces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`OTLP push to ${otlpHttp}: HTTP ${res.status} ${await res.text()}`);
}

/**
 * Opens `url` and goes through the IdP as `email`: its login form and consent when it shows them,
 * straight through when its session already knows the user. Returns the answer of the callback
 * (`callbackUrl`, the proxy's --redirect-url): a redirect into the UI, or 403 for a user the proxy
 * does not admit. Resolves when the page the callback leads to has loaded.
 */
export async function signIn(page: Page, url: string, email: string, callbackUrl: string): Promise<Response> {
    const callback = page.waitForResponse((r) => r.url().startsWith(callbackUrl), { timeout: 20000 });
    // Observed below; a failed navigation must not leave it unhandled.
    callback.catch(() => undefined);
    const idp = (): boolean => new URL(page.url()).pathname.startsWith("/interaction/");
    await page.goto(url);
    for (let step = 0; idp(); step++) {
        if (step > 3) throw new Error(`stuck at the IdP: ${page.url()}`);
        const at = page.url();
        const login = page.locator('input[name="login"]');
        if ((await login.count()) > 0) {
            await login.fill(email);
            await page.fill('input[name="password"]', "any");
        } else if ((await page.locator('input[name="prompt"][value="consent"]').count()) === 0) {
            throw new Error(`an IdP page neither login nor consent: ${at}`);
        }
        // The login form's or the consent form's button; then the next document (IdP or back at the UI).
        await Promise.all([page.waitForURL((u) => u.href !== at), page.click('button[type="submit"]')]);
    }
    return callback;
}
