import { containers, flags, isKind, isSsoProxy, list, metadataName, PolicyInput, podSpec } from "../resource-view";
import { at, ResourceRule, StackRule, Violation } from "../rule";

/** Problems of an oauth2-proxy command line, each with what to set instead. */
export function ssoProblems(args: Map<string, string[]>): string[] {
    const one = (flag: string): string | undefined => args.get(flag)?.[0];
    const out: string[] = [];
    if (one("provider") !== "oidc") out.push("set --provider=oidc (corporate SSO over OpenID Connect)");
    if (!(one("oidc-issuer-url") ?? "").startsWith("https://"))
        out.push("set --oidc-issuer-url to the corporate IdP's https:// issuer");
    if (one("cookie-secure") !== "true") out.push("set --cookie-secure=true");
    if (one("cookie-httponly") !== "true") out.push("set --cookie-httponly=true");
    const groups = args.get("allowed-group") ?? [];
    const domains = args.get("email-domain") ?? [];
    if (domains.includes("*")) out.push("replace --email-domain=* with the company's e-mail domains");
    if (groups.length === 0 && domains.length === 0)
        out.push("restrict access with --allowed-group (the roles) or --email-domain");
    for (const skip of ["skip-auth-route", "skip-auth-regex"]) {
        if ((args.get(skip) ?? []).length > 0)
            out.push(`remove --${skip} (it lets requests reach Jaeger without logging in)`);
    }
    if (one("reverse-proxy") === "true") {
        const trusted = args.get("trusted-proxy-ip") ?? [];
        if (trusted.length === 0)
            out.push(
                "set --trusted-proxy-ip to the ingress controller's ranges (--reverse-proxy without it is the GHSA-7x63-xv5r-3p2x auth bypass)",
            );
        if (trusted.some((t) => t === "0.0.0.0/0" || t === "::/0"))
            out.push("narrow --trusted-proxy-ip from everything to the ingress controller's ranges");
    }
    return out;
}

export const ssoProxySecure: ResourceRule = {
    kind: "resource",
    name: "sso-proxy-secure",
    description:
        "The proxy in front of the UI logs in over OIDC, sets secure cookies, admits only the roles or company domains, and trusts only the ingress controller's forwarded headers.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        if (!isSsoProxy(r)) return [];
        const container = containers(podSpec(r) ?? {}).find((c) => c.name === "oauth2-proxy") ?? {};
        const args = flags(container);
        // Flags win over OAUTH2_PROXY_* variables, so only settings that no flag makes matter here.
        for (const e of list(container.env)) {
            const m = /^OAUTH2_PROXY_(SKIP_AUTH_ROUTES?|SKIP_AUTH_REGEX)$/.exec(String(e.name));
            if (m !== null && typeof e.value === "string" && e.value !== "") {
                const flag = m[1].startsWith("SKIP_AUTH_ROUTE") ? "skip-auth-route" : "skip-auth-regex";
                args.set(flag, [...(args.get(flag) ?? []), e.value]);
            }
        }
        return ssoProblems(args).map((p) => `oauth2-proxy ${metadataName(r)}: ${p}.`);
    },
};

export const servesJaegerUi = (r: PolicyInput): boolean =>
    isKind(r, "Service") &&
    list((r.props.spec as Record<string, unknown> | undefined)?.ports).some(
        (p) => p.port === 16686 || p.targetPort === 16686,
    );

export const ssoInFrontOfUi: StackRule = {
    kind: "stack",
    name: "sso-in-front-of-ui",
    description: "Whenever the Jaeger UI is deployed, an SSO proxy is deployed in front of it.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const ui = resources.filter(servesJaegerUi);
        if (ui.length === 0) return [];
        const proxies = resources.filter(isSsoProxy);
        const upstreams = proxies.flatMap((p) =>
            containers(podSpec(p) ?? {}).flatMap((c) => flags(c).get("upstream") ?? []),
        );
        const out: Violation[] = [];
        for (const svc of ui) {
            const name = metadataName(svc);
            if (!upstreams.some((u) => new RegExp(`^https?://${name}([.:/]|$)`).test(u))) {
                out.push(
                    at(
                        svc,
                        `The Jaeger UI Service ${name} has no SSO proxy in front of it. Deploy oauth2-proxy (tracing:sso) with --upstream pointing at ${name}.`,
                    ),
                );
            }
        }
        return out;
    },
};
