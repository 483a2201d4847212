import { defaultConfig } from "../policies/config";
import { flags, type PolicyInput } from "../policies/resource-view";
import { servesJaegerUi, ssoInFrontOfUi, ssoProblems, ssoProxySecure } from "../policies/rules/sso";

/*
 * The SSO rules judged directly on small inputs: each flag the proxy must have, the way each message
 * reads, and the inputs around the edges that the stack variants (one break each, on the whole
 * stack) do not reach. A mutation run of policies/rules/sso.ts with the variants only left 56 of 174
 * mutants alive; these are the cases they pointed at.
 */

const secure = [
    "--provider=oidc",
    "--oidc-issuer-url=https://sso.example.com/realms/corp",
    "--cookie-secure=true",
    "--cookie-httponly=true",
    "--allowed-group=tracing-devops",
    "--reverse-proxy=true",
    "--trusted-proxy-ip=10.0.0.0/8",
];

const messages = {
    provider: "set --provider=oidc (corporate SSO over OpenID Connect)",
    issuer: "set --oidc-issuer-url to the corporate IdP's https:// issuer",
    cookieSecure: "set --cookie-secure=true",
    cookieHttpOnly: "set --cookie-httponly=true",
    anyDomain: "replace --email-domain=* with the company's e-mail domains",
    unrestricted: "restrict access with --allowed-group (the roles) or --email-domain",
    skipRoute: "remove --skip-auth-route (it lets requests reach Jaeger without logging in)",
    skipRegex: "remove --skip-auth-regex (it lets requests reach Jaeger without logging in)",
    untrusted:
        "set --trusted-proxy-ip to the ingress controller's ranges (--reverse-proxy without it is the GHSA-7x63-xv5r-3p2x auth bypass)",
    trustsAll: "narrow --trusted-proxy-ip from everything to the ingress controller's ranges",
};

const problems = (args: string[]): string[] => ssoProblems(flags({ args }));
const without = (prefix: string, args = secure): string[] => args.filter((a) => !a.startsWith(prefix));
const replaced = (prefix: string, ...by: string[]): string[] => [...without(prefix), ...by];

describe("ssoProblems: what an oauth2-proxy command line lacks", () => {
    it("finds nothing in a secure command line", () => {
        expect(problems(secure)).toEqual([]);
    });

    it("names every missing setting of an empty command line, in order", () => {
        expect(problems([])).toEqual([
            messages.provider,
            messages.issuer,
            messages.cookieSecure,
            messages.cookieHttpOnly,
            messages.unrestricted,
        ]);
    });

    it.each([
        ["another provider", replaced("--provider=", "--provider=github"), [messages.provider]],
        [
            "an issuer over plain http",
            replaced("--oidc-issuer-url=", "--oidc-issuer-url=http://sso.example.com/realms/corp"),
            [messages.issuer],
        ],
        ["insecure cookies", replaced("--cookie-secure=", "--cookie-secure=false"), [messages.cookieSecure]],
        [
            "cookies scripts can read",
            replaced("--cookie-httponly=", "--cookie-httponly=false"),
            [messages.cookieHttpOnly],
        ],
        ["neither groups nor domains", without("--allowed-group="), [messages.unrestricted]],
        ["any e-mail domain, beside groups", [...secure, "--email-domain=*"], [messages.anyDomain]],
        ["any e-mail domain alone", replaced("--allowed-group=", "--email-domain=*"), [messages.anyDomain]],
        ["a route past the login", [...secure, "--skip-auth-route=GET=^/api"], [messages.skipRoute]],
        ["a pattern past the login", [...secure, "--skip-auth-regex=^/api"], [messages.skipRegex]],
        ["forwarded headers trusted from anyone", without("--trusted-proxy-ip="), [messages.untrusted]],
        [
            "every IPv4 address trusted",
            replaced("--trusted-proxy-ip=", "--trusted-proxy-ip=0.0.0.0/0"),
            [messages.trustsAll],
        ],
        [
            "every IPv6 address trusted",
            replaced("--trusted-proxy-ip=", "--trusted-proxy-ip=::/0"),
            [messages.trustsAll],
        ],
        ["everything trusted beside a narrow range", [...secure, "--trusted-proxy-ip=0.0.0.0/0"], [messages.trustsAll]],
    ])("names %s, and only that", (_what, args, expected) => {
        expect(problems(args)).toEqual(expected);
    });

    it.each([
        ["company domains instead of groups", replaced("--allowed-group=", "--email-domain=jewels.example")],
        [
            "no reverse proxy, so no forwarded headers to trust",
            without("--trusted-proxy-ip=", without("--reverse-proxy=")),
        ],
        [
            "a reverse proxy switched off",
            replaced("--reverse-proxy=", "--reverse-proxy=false").filter((a) => !a.startsWith("--trusted")),
        ],
    ])("accepts %s", (_what, args) => {
        expect(problems(args)).toEqual([]);
    });
});

function deployment(name: string, containers: Record<string, unknown>[]): PolicyInput {
    return {
        type: "kubernetes:apps/v1:Deployment",
        name,
        props: { metadata: { name }, spec: { template: { spec: { containers } } } },
    };
}

const proxy = (name: string, args: string[], env: Record<string, unknown>[] = []): PolicyInput =>
    deployment(name, [{ name: "oauth2-proxy", args, env }]);

const judge = (r: PolicyInput): string[] => ssoProxySecure.validateResource(r, defaultConfig);

describe("sso-proxy-secure", () => {
    it("is mandatory, judged per resource", () => {
        expect([ssoProxySecure.kind, ssoProxySecure.enforcementLevel]).toEqual(["resource", "mandatory"]);
    });

    it("names the proxy and ends each message with a full stop", () => {
        expect(judge(proxy("oauth2-proxy-shop", replaced("--cookie-secure=", "--cookie-secure=false")))).toEqual([
            `oauth2-proxy oauth2-proxy-shop: ${messages.cookieSecure}.`,
        ]);
    });

    it("reads the oauth2-proxy container, not a sidecar beside it", () => {
        const r = deployment("oauth2-proxy", [
            { name: "sidecar", args: ["--provider=github"] },
            { name: "oauth2-proxy", args: secure },
        ]);
        expect(judge(r)).toEqual([]);
    });

    it("leaves Deployments without an oauth2-proxy container alone", () => {
        expect(judge(deployment("shop-api", [{ name: "shop-api", args: [] }]))).toEqual([]);
    });

    it.each([
        ["OAUTH2_PROXY_SKIP_AUTH_ROUTES", messages.skipRoute],
        ["OAUTH2_PROXY_SKIP_AUTH_ROUTE", messages.skipRoute],
        ["OAUTH2_PROXY_SKIP_AUTH_REGEX", messages.skipRegex],
    ])("counts %s, which no flag overrides, as the flag", (variable, message) => {
        expect(judge(proxy("oauth2-proxy", secure, [{ name: variable, value: "GET=^/api" }]))).toEqual([
            `oauth2-proxy oauth2-proxy: ${message}.`,
        ]);
    });

    it.each([
        ["a variable only ending like one", { name: "X_OAUTH2_PROXY_SKIP_AUTH_REGEX", value: "^/api" }],
        ["a variable only starting like one", { name: "OAUTH2_PROXY_SKIP_AUTH_REGEX_FILE", value: "/etc/skip" }],
        ["an empty value", { name: "OAUTH2_PROXY_SKIP_AUTH_ROUTES", value: "" }],
        ["a value from a Secret (not known here)", { name: "OAUTH2_PROXY_SKIP_AUTH_ROUTES", valueFrom: {} }],
    ])("ignores %s", (_what, variable) => {
        expect(judge(proxy("oauth2-proxy", secure, [variable]))).toEqual([]);
    });
});

const service = (name: string, spec?: Record<string, unknown>): PolicyInput => ({
    type: "kubernetes:core/v1:Service",
    name,
    props: spec === undefined ? { metadata: { name } } : { metadata: { name }, spec },
});

describe("servesJaegerUi", () => {
    it.each([
        ["the UI port", true, service("jaeger-query", { ports: [{ port: 16686 }] })],
        [
            "another port forwarding to the UI's",
            true,
            service("jaeger-ui", { ports: [{ port: 80, targetPort: 16686 }] }),
        ],
        ["other ports only", false, service("jaeger-collector", { ports: [{ port: 4317, targetPort: 4317 }] })],
        ["no spec at all", false, service("jaeger-query")],
        ["a Deployment", false, deployment("jaeger-query", [{ name: "jaeger", ports: [{ containerPort: 16686 }] }])],
    ])("%s: %s", (_what, expected, r) => {
        expect(servesJaegerUi(r)).toBe(expected);
    });
});

describe("sso-in-front-of-ui", () => {
    const ui = service("jaeger-query", { ports: [{ port: 16686 }] });
    // Compared with toStrictEqual: toEqual takes [undefined] (a violation without a message) for [].
    const check = (rs: PolicyInput[]): string[] =>
        ssoInFrontOfUi.validateStack(rs, defaultConfig).map((v) => v.message);
    const missing =
        "The Jaeger UI Service jaeger-query has no SSO proxy in front of it. Deploy oauth2-proxy (tracing:sso) with --upstream pointing at jaeger-query.";

    it("is mandatory, judged on the whole stack", () => {
        expect([ssoInFrontOfUi.kind, ssoInFrontOfUi.enforcementLevel]).toEqual(["stack", "mandatory"]);
    });

    it.each([
        "http://jaeger-query:16686",
        "https://jaeger-query.tracing.svc:16686",
        "http://jaeger-query/views/shop",
        "http://jaeger-query",
    ])("passes a proxy whose upstream is %s", (upstream) => {
        expect(check([ui, proxy("oauth2-proxy", [`--upstream=${upstream}`])])).toStrictEqual([]);
    });

    it("refuses a proxy in front of another Service whose name only begins alike, naming the fix", () => {
        expect(check([ui, proxy("oauth2-proxy", ["--upstream=http://jaeger-query-old:16686"])])).toStrictEqual([
            missing,
        ]);
    });

    it("refuses an upstream set on something that is not the proxy", () => {
        const app = deployment("gateway", [{ name: "gateway", args: ["--upstream=http://jaeger-query:16686"] }]);
        expect(check([ui, app])).toStrictEqual([missing]);
    });

    it("asks nothing of a stack without a UI", () => {
        expect(check([proxy("oauth2-proxy", ["--upstream=http://elsewhere:80"])])).toStrictEqual([]);
    });
});
