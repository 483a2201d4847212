import { renderOAuth2ProxyArgs } from "../renderers/oauth2-proxy";

const input = {
    issuerUrl: "https://sso.jewellery.internal/realms/corp",
    clientId: "tracing",
    host: "tracing.jewellery.internal",
    upstream: "http://jaeger-query.tracing.svc.cluster.local:16686",
    allowedGroups: ["tracing-developers", "tracing-support"],
    emailDomains: ["jewellery.example"],
    groupsClaim: "groups",
    scope: "openid email profile groups",
    cookieSameSite: "lax" as const,
    cookieExpire: "8h",
    trustedProxyRanges: ["10.244.0.0/16"],
    listenAddress: "0.0.0.0:4180",
    metricsAddress: "0.0.0.0:44180",
};

describe("oauth2-proxy arguments", () => {
    const args = renderOAuth2ProxyArgs(input);

    it("log in with OIDC at the corporate issuer and redirect back to the UI host", () => {
        expect(args).toEqual(
            expect.arrayContaining([
                "--provider=oidc",
                `--oidc-issuer-url=${input.issuerUrl}`,
                "--redirect-url=https://tracing.jewellery.internal/oauth2/callback",
            ]),
        );
    });

    it("admit only the configured groups and e-mail domains", () => {
        expect(args.filter((a) => a.startsWith("--allowed-group="))).toEqual([
            "--allowed-group=tracing-developers",
            "--allowed-group=tracing-support",
        ]);
        expect(args.filter((a) => a.startsWith("--email-domain="))).toEqual(["--email-domain=jewellery.example"]);
    });

    it("trust forwarded headers only from the ingress controller's ranges", () => {
        expect(args).toContain("--reverse-proxy=true");
        expect(args).toContain("--trusted-proxy-ip=10.244.0.0/16");
        expect(() => renderOAuth2ProxyArgs({ ...input, trustedProxyRanges: [] })).toThrow(/trusted proxy ranges/);
    });

    it("set secure, HttpOnly cookies with the configured SameSite", () => {
        expect(args).toEqual(
            expect.arrayContaining(["--cookie-secure=true", "--cookie-httponly=true", "--cookie-samesite=lax"]),
        );
    });

    it("never carry a secret on the command line", () => {
        expect(args.some((a) => /--(client|cookie)-secret=/.test(a))).toBe(false);
    });

    it("proxy to Jaeger query and answer probes on /ping and /ready", () => {
        expect(args).toEqual(
            expect.arrayContaining([
                `--upstream=${input.upstream}`,
                "--ping-path=/ping",
                "--ready-path=/ready",
                "--http-address=0.0.0.0:4180",
                "--metrics-address=0.0.0.0:44180",
            ]),
        );
    });

    it("are each one --name=value with a value, and repeat only the flags oauth2-proxy takes as lists", () => {
        const repeatable = ["--allowed-group", "--email-domain", "--trusted-proxy-ip"];
        expect(args.filter((a) => !/^--[a-z-]+=\S/.test(a))).toEqual([]);
        const names = args.map((a) => a.slice(0, a.indexOf("=")));
        expect(names.filter((n, i) => names.indexOf(n) !== i && !repeatable.includes(n))).toEqual([]);
    });

    it("ask the IdP for the groups claim with this client, PKCE, and keep the session cookie minimal", () => {
        expect(args).toEqual(
            expect.arrayContaining([
                `--client-id=${input.clientId}`,
                `--scope=${input.scope}`,
                `--oidc-groups-claim=${input.groupsClaim}`,
                "--code-challenge-method=S256",
                "--session-cookie-minimal=true",
                `--cookie-expire=${input.cookieExpire}`,
            ]),
        );
    });

    it("trust the corporate CA for the IdP only when one is configured", () => {
        expect(args.some((a) => a.startsWith("--provider-ca-file"))).toBe(false);
        expect(renderOAuth2ProxyArgs({ ...input, providerCaFile: "/etc/sso-ca/ca.crt" })).toContain(
            "--provider-ca-file=/etc/sso-ca/ca.crt",
        );
    });
});

describe("oauth2-proxy arguments of a team view", () => {
    const view = renderOAuth2ProxyArgs({
        ...input,
        allowedGroups: ["tracing-team-shop"],
        upstream: "http://jaeger-shop-query.tracing.svc.cluster.local:16686",
        view: { name: "order-desk", path: "/views/order-desk" },
    });
    const all = renderOAuth2ProxyArgs(input);

    it("answer under the view's path, its login callback too, so one host serves every view", () => {
        expect(view).toEqual(
            expect.arrayContaining([
                "--redirect-url=https://tracing.jewellery.internal/views/order-desk/oauth2/callback",
                "--proxy-prefix=/views/order-desk/oauth2",
            ]),
        );
        expect(all.filter((a) => a.startsWith("--proxy-prefix"))).toEqual([]);
    });

    it("keep a session cookie of the view's own, scoped to its path: the all view's session never opens it", () => {
        expect(view).toEqual(
            expect.arrayContaining(["--cookie-name=_tracing_sso_order_desk", "--cookie-path=/views/order-desk"]),
        );
        expect(all).toContain("--cookie-name=_tracing_sso");
        expect(all.filter((a) => a.startsWith("--cookie-path"))).toEqual([]);
    });

    it("admit the view's groups only", () => {
        expect(view.filter((a) => a.startsWith("--allowed-group="))).toEqual(["--allowed-group=tracing-team-shop"]);
    });
});
