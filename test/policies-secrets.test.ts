import { cidrWithin, withinAny } from "../policies/cidr";
import { defaultConfig } from "../policies/config";
import type { PolicyInput } from "../policies/resource-view";
import { secretsFromSecretStore } from "../policies/rules/secrets";

/*
 * The secrets rule and the CIDR arithmetic the VPN rule uses, judged directly on small inputs: each
 * place a secret can hide, what does not count as one, and each message. The stack variants break one
 * thing each on a whole stack; a mutation run of these two files pointed at what they did not reach.
 */

describe("cidrWithin", () => {
    it.each([
        ["10.1.0.0/16", "10.0.0.0/8", true],
        ["10.0.0.0/8", "10.0.0.0/8", true],
        ["10.0.0.0/8", "10.0.0.0/16", false],
        ["11.0.0.0/16", "10.0.0.0/8", false],
        ["10.1.2.3/16", "10.1.0.0/16", true],
        ["10.0.0.5/32", "10.0.0.4/30", true],
        ["10.0.0.4/32", "10.0.0.0/30", false],
        ["10.0.0.1/32", "10.0.0.0/31", true],
        ["10.0.0.2/32", "10.0.0.0/31", false],
        ["192.168.1.0/24", "0.0.0.0/0", true],
        ["0.0.0.0/0", "0.0.0.0/0", true],
        ["0.0.0.0/0", "10.0.0.0/8", false],
        // A /0 covers everything whatever address it is written with.
        ["10.0.0.0/8", "10.0.0.0/0", true],
        // Addresses with the top bit set: the arithmetic stays unsigned.
        ["200.1.0.0/16", "128.0.0.0/1", true],
        ["100.0.0.0/8", "128.0.0.0/1", false],
        ["255.255.255.255/32", "255.255.255.0/24", true],
        ["172.16.5.0/24", "172.16.0.0/12", true],
        ["172.32.0.0/16", "172.16.0.0/12", false],
        [" 10.1.0.0/16 ", "10.0.0.0/8", true],
        ["1.2.3.4/5", "0.0.0.0/4", true],
    ])("%s within %s: %s", (inner, outer, expected) => {
        expect(cidrWithin(inner, outer)).toBe(expected);
    });

    it.each([
        ["an octet over 255", "10.0.0.256/32", "10.0.0.0/8"],
        ["a first octet over 255", "256.0.0.0/8", "0.0.0.0/0"],
        ["a prefix over 32", "10.0.0.0/33", "10.0.0.0/8"],
        ["three octets", "10.0.0/24", "10.0.0.0/8"],
        ["no prefix length", "10.0.0.1", "10.0.0.0/8"],
        ["IPv6", "fd00::/16", "fd00::/8"],
        ["text around it", "x10.0.0.0/16", "10.0.0.0/8"],
        ["an unparseable outer range", "10.0.0.0/16", "10.0.0.0/8x"],
        ["an outer prefix over 32", "10.0.0.0/32", "10.0.0.0/40"],
        // Shifted by -1, /33 would act as /1.
        ["a prefix over 32 the arithmetic would still place", "128.0.0.0/33", "128.0.0.0/1"],
    ])("is never true for %s", (_what, inner, outer) => {
        expect(cidrWithin(inner, outer)).toBe(false);
    });

    it("withinAny: inside one of the ranges, or none", () => {
        expect(withinAny("10.1.0.0/16", ["192.168.0.0/16", "10.0.0.0/8"])).toBe(true);
        expect(withinAny("172.16.0.0/16", ["192.168.0.0/16", "10.0.0.0/8"])).toBe(false);
        expect(withinAny("10.1.0.0/16", [])).toBe(false);
    });
});

const deployment = (containers: Record<string, unknown>[]): PolicyInput => ({
    type: "kubernetes:apps/v1:Deployment",
    name: "app",
    props: { metadata: { name: "app" }, spec: { template: { spec: { containers } } } },
});

const configMap = (data: Record<string, string>): PolicyInput => ({
    type: "kubernetes:core/v1:ConfigMap",
    name: "settings",
    props: { metadata: { name: "settings" }, data },
});

const judge = (r: PolicyInput): string[] => secretsFromSecretStore.validateResource(r, defaultConfig);
const withEnv = (...env: Record<string, unknown>[]): string[] => judge(deployment([{ name: "api", env }]));
const withArgs = (args: string[], command: string[] = []): string[] =>
    judge(deployment([{ name: "api", command, args }]));

const literal = (name: string): string =>
    `app: container api sets ${name} as a literal value. Read it from a Secret with valueFrom.secretKeyRef.`;
const urlInEnv = (name: string): string =>
    `app: container api sets ${name} to a URL with a password in it. Drop the credentials from the URL and pass them from a Secret.`;
const flagOnCommandLine = (flag: string): string =>
    `app: container api passes ${flag} on the command line. Pass it through an environment variable from a Secret.`;
const urlInArgs =
    "app: container api passes a URL with a password in it. Drop the credentials from the URL and pass them from a Secret.";

describe("secrets-from-secret-store", () => {
    it("is mandatory, judged per resource", () => {
        expect([secretsFromSecretStore.kind, secretsFromSecretStore.enforcementLevel]).toEqual([
            "resource",
            "mandatory",
        ]);
    });

    describe("environment variables", () => {
        it.each([
            "ES_PASSWORD",
            "OAUTH2_PROXY_CLIENT_SECRET",
            "GITHUB_TOKEN",
            "API_KEY",
            "APIKEY",
            "DB_CREDENTIAL",
            "es_password",
        ])("refuses %s with a literal value", (name) => {
            expect(withEnv({ name, value: "hunter2" })).toEqual([literal(name)]);
        });

        it("refuses a literal even when empty: the value is in the manifest", () => {
            expect(withEnv({ name: "ES_PASSWORD", value: "" })).toEqual([literal("ES_PASSWORD")]);
        });

        it("accepts a secret-named variable from a Secret, and other variables with literals", () => {
            expect(
                withEnv(
                    { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: "es", key: "password" } } },
                    { name: "LOG_LEVEL", value: "info" },
                    { name: "ES_URL", value: "https://es:9200" },
                ),
            ).toEqual([]);
        });

        it("refuses a secret-named variable read from a ConfigMap, naming both", () => {
            expect(
                withEnv({ name: "CLIENT_SECRET", valueFrom: { configMapKeyRef: { name: "sso", key: "secret" } } }),
            ).toEqual([
                "app: container api reads CLIENT_SECRET from ConfigMap sso. Keep it in a Secret and use valueFrom.secretKeyRef.",
            ]);
            expect(withEnv({ name: "ISSUER", valueFrom: { configMapKeyRef: { name: "sso", key: "issuer" } } })).toEqual(
                [],
            );
        });

        it.each([
            "https://elastic:hunter2@es:9200",
            "amqp://guest:guest@rabbitmq:5672/",
            "HTTP://user:p4ss@host",
            "postgres+psycopg://u:p@db/shop",
            "https://u:$ecret@host",
        ])("refuses a URL with a password in it: %s", (value) => {
            expect(withEnv({ name: "UPSTREAM", value })).toEqual([urlInEnv("UPSTREAM")]);
        });

        it.each([
            "https://elastic:${env:ES_PASSWORD}@es:9200",
            "https://elastic:$(ES_PASSWORD)@es:9200",
            "https://elastic@es:9200",
            "https://es:9200/path:with@colon",
            "mailto:ops@example.com",
        ])("accepts a URL without a literal password: %s", (value) => {
            expect(withEnv({ name: "UPSTREAM", value })).toEqual([]);
        });

        it("names each problem of a variable: a literal password URL under a secret name is both", () => {
            expect(withEnv({ name: "ES_PASSWORD", value: "https://u:p@es" })).toEqual([
                literal("ES_PASSWORD"),
                urlInEnv("ES_PASSWORD"),
            ]);
        });
    });

    describe("the command line", () => {
        it.each(["--client-secret", "--cookie-secret", "--password", "--es.password"])("refuses %s=…", (flag) => {
            expect(withArgs([`${flag}=hunter2`])).toEqual([flagOnCommandLine(flag)]);
        });

        it("finds the flag inside a shell line", () => {
            expect(
                withArgs([], ["sh", "-c", "exec oauth2-proxy --client-secret=abc --upstream=http://jaeger"]),
            ).toEqual([flagOnCommandLine("--client-secret")]);
        });

        it("reads the command as well as the arguments", () => {
            expect(withArgs([], ["oauth2-proxy", "--cookie-secret=abc"])).toEqual([
                flagOnCommandLine("--cookie-secret"),
            ]);
        });

        it.each([
            "--client-secret-file=/etc/sso/secret",
            "--password-file=/run/secrets/es",
            "--cookie-secure=true",
            "client-secret=abc",
            "--upstream=http://x/?q=--password=1",
        ])("accepts %s", (arg) => {
            expect(withArgs([arg])).toEqual([]);
        });

        it("refuses a URL with a password in an argument, once per argument", () => {
            expect(withArgs(["--upstream=https://u:p@jaeger:16686"])).toEqual([urlInArgs]);
            // A secret flag holding such a URL is named as the flag, not twice.
            expect(withArgs(["--password=https://u:p@jaeger"])).toEqual([flagOnCommandLine("--password")]);
        });

        it("names the container of an init container too", () => {
            const r = deployment([]);
            (r.props.spec as { template: { spec: Record<string, unknown> } }).template.spec.initContainers = [
                { name: "setup", args: ["--password=x"] },
            ];
            expect(judge(r)).toEqual([
                "app: container setup passes --password on the command line. Pass it through an environment variable from a Secret.",
            ]);
        });
    });

    describe("ConfigMaps", () => {
        it.each(["password", "client_secret", "cookie_secret", "api_key", "token"])(
            "refuses a literal %s in a config file, naming the key it is under",
            (key) => {
                expect(judge(configMap({ "config.yaml": `storage:\n  ${key}: hunter2\n` }))).toEqual([
                    `ConfigMap settings (config.yaml) holds a literal ${key}. Reference it as \${env:NAME} and set NAME from a Secret.`,
                ]);
            },
        );

        it("refuses a literal on the line below its key", () => {
            expect(judge(configMap({ "config.yaml": "auth:\n  password:\n    hunter2\n" }))).toEqual([
                "ConfigMap settings (config.yaml) holds a literal password. Reference it as ${env:NAME} and set NAME from a Secret.",
            ]);
        });

        it("refuses a literal that only ends in a reference", () => {
            expect(judge(configMap({ "config.yaml": "password: pre${env:ES_PASSWORD}\n" }))).toEqual([
                "ConfigMap settings (config.yaml) holds a literal password. Reference it as ${env:NAME} and set NAME from a Secret.",
            ]);
        });

        it.each([
            "password: ${env:ES_PASSWORD}",
            'password: "${env:ES_PASSWORD}"',
            "password: '${file:/run/secrets/es}'",
            "password_file: /run/secrets/es",
            "# password: see the Secret",
            "passwords_allowed: 3",
        ])("accepts %s", (line) => {
            expect(judge(configMap({ "config.yaml": `${line}\n` }))).toEqual([]);
        });

        it.each([
            "ES_PASSWORD",
            "client-secret",
            "cookie.secret",
            "credentials",
            "credential",
            "api-key",
            "apikey",
            "token",
        ])("refuses a key named %s holding a value", (key) => {
            expect(judge(configMap({ [key]: "hunter2" }))).toEqual([
                `ConfigMap settings holds ${key}, a secret. Move it to a Secret (from the secret store) and mount or reference that.`,
            ]);
        });

        it.each([
            ["a key that only begins like a secret", "password-policy", "min 12"],
            ["a key that only contains one", "tokenizer", "whitespace"],
            ["a secret-named key left blank", "ES_PASSWORD", "  "],
        ])("accepts %s", (_what, key, value) => {
            expect(judge(configMap({ [key]: value }))).toEqual([]);
        });

        it("refuses a URL with a password in a config file", () => {
            expect(judge(configMap({ "config.yaml": "endpoint: https://elastic:hunter2@es:9200\n" }))).toEqual([
                "ConfigMap settings (config.yaml) holds a URL with a password in it. Reference the credentials as ${env:NAME} set from a Secret.",
            ]);
        });
    });

    it("leaves other kinds alone", () => {
        const service: PolicyInput = {
            type: "kubernetes:core/v1:Service",
            name: "api",
            props: { metadata: { name: "api", annotations: { password: "hunter2" } }, data: { password: "x" } },
        };
        expect(judge(service)).toEqual([]);
    });
});
