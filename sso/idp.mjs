// A local OpenID Connect provider for the SSO test (oidc-provider, a certified implementation),
// serving HTTPS on loopback. Its built-in login form accepts a known user's e-mail as the login.
// Configuration comes as JSON in IDP_CONFIG: { port, host, certFile, keyFile, client: {...}, users: {...} }.
import { readFileSync } from "node:fs";
import https from "node:https";
import Provider from "oidc-provider";

const config = JSON.parse(process.env.IDP_CONFIG);

const provider = new Provider(`https://${config.host}:${config.port}`, {
    clients: [config.client],
    pkce: { required: () => true },
    scopes: ["openid", "email", "profile", "groups", "offline_access"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    // oauth2-proxy reads e-mail and groups from the ID token.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["tracing-platform-sso-test-cookie-key"] },
    async findAccount(_ctx, sub) {
        const user = config.users[sub];
        if (user === undefined) return undefined;
        return {
            accountId: sub,
            claims: async () => ({ sub, name: sub, email: sub, email_verified: true, groups: user.groups }),
        };
    },
});
provider.proxy = false;

https
    .createServer({ cert: readFileSync(config.certFile), key: readFileSync(config.keyFile) }, provider.callback())
    .listen(config.port, "127.0.0.1", () => console.log(`idp listening on ${config.port}`));
