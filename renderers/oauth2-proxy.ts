/**
 * oauth2-proxy (7.15.x) command line. Secrets never appear here: the client and cookie secrets are
 * read from OAUTH2_PROXY_CLIENT_SECRET / OAUTH2_PROXY_COOKIE_SECRET, which come from Secrets.
 */

export interface OAuth2ProxyInput {
    issuerUrl: string;
    clientId: string;
    /** Public URL of the UI, for the OIDC redirect. */
    host: string;
    upstream: string;
    allowedGroups: string[];
    emailDomains: string[];
    groupsClaim: string;
    scope: string;
    cookieSameSite: "lax" | "strict";
    cookieExpire: string;
    /**
     * The ingress controller's addresses. Since 7.15.2 X-Forwarded-* headers are believed only from
     * these; `--reverse-proxy` without them trusts everyone (GHSA-7x63-xv5r-3p2x).
     */
    trustedProxyRanges: string[];
    listenAddress: string;
    /** Where Prometheus scrapes oauth2-proxy's own metrics (requests, authentication outcomes). */
    metricsAddress: string;
    /** CA bundle for the IdP when it is signed by a private CA. */
    providerCaFile?: string;
    /**
     * A team view's path (`/views/<name>`): the proxy answers under it (its /oauth2 endpoints too) and its
     * session cookie, named after the view and scoped to the path, is never the all view's.
     */
    view?: { name: string; path: string };
}

export const oauth2ProxyPort = 4180;
export const oauth2ProxyMetricsPort = 44180;
export const secretEnv = {
    clientSecret: "OAUTH2_PROXY_CLIENT_SECRET",
    cookieSecret: "OAUTH2_PROXY_COOKIE_SECRET",
} as const;

export function renderOAuth2ProxyArgs(input: OAuth2ProxyInput): string[] {
    if (input.trustedProxyRanges.length === 0)
        throw new Error("oauth2-proxy behind a reverse proxy needs trusted proxy ranges");
    const view = input.view;
    const prefix = view === undefined ? "" : view.path;
    return [
        "--provider=oidc",
        `--oidc-issuer-url=${input.issuerUrl}`,
        `--client-id=${input.clientId}`,
        `--redirect-url=https://${input.host}${prefix}/oauth2/callback`,
        ...(view === undefined ? [] : [`--proxy-prefix=${prefix}/oauth2`, `--cookie-path=${prefix}`]),
        `--scope=${input.scope}`,
        `--oidc-groups-claim=${input.groupsClaim}`,
        ...input.allowedGroups.map((g) => `--allowed-group=${g}`),
        ...input.emailDomains.map((d) => `--email-domain=${d}`),
        "--code-challenge-method=S256",
        `--upstream=${input.upstream}`,
        `--http-address=${input.listenAddress}`,
        `--metrics-address=${input.metricsAddress}`,
        "--reverse-proxy=true",
        ...input.trustedProxyRanges.map((r) => `--trusted-proxy-ip=${r}`),
        `--cookie-name=_tracing_sso${view === undefined ? "" : `_${view.name.replace(/-/g, "_")}`}`,
        "--cookie-secure=true",
        "--cookie-httponly=true",
        `--cookie-samesite=${input.cookieSameSite}`,
        `--cookie-expire=${input.cookieExpire}`,
        // The session cookie keeps who the user is and their groups, not the IdP's tokens (nothing here
        // passes them on): an ID token repeats every group, and with hundreds of groups the cookies
        // outgrow a reverse proxy's header buffer (502 "upstream sent too big header" behind nginx).
        "--session-cookie-minimal=true",
        "--skip-provider-button=true",
        "--ping-path=/ping",
        "--ready-path=/ready",
        "--silence-ping-logging=true",
        ...(input.providerCaFile === undefined ? [] : [`--provider-ca-file=${input.providerCaFile}`]),
    ];
}
