import { containers, isKind, list, metadataName, obj, podSpec, strings, text } from "../resource-view";
import type { ResourceRule } from "../rule";

const secretName = /(PASSWORD|SECRET|TOKEN|API_?KEY|CREDENTIAL)/i;
/** A ConfigMap key that names a secret itself (e.g. ES_PASSWORD, client-secret), read via envFrom or a volume. */
const secretKey = /(^|[_.-])(password|passwd|secret|token|api[_-]?key|credentials?)$/i;
/** A secret flag as an argument of its own, or inside a shell line (`sh -c "app --password=..."`). */
const secretFlag = /(?:^|\s)--(client-secret|cookie-secret|password|es\.password)=/;
// A key that names a secret with a literal value (any non-blank text), not ${env:...} or ${file:...}.
const literalInConfig = /^\s*(password|client_secret|cookie_secret|api_key|token)\s*:\s*(?!["']?\$\{)\S/im;
/** user:password@ in a URL, unless the password is a reference: ${env:X} (collector, Jaeger) or $(X) (Kubernetes). */
const credentialsInUrl = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:(?!\$[{(])[^\s/@"']+@/i;

export const secretsFromSecretStore: ResourceRule = {
    kind: "resource",
    name: "secrets-from-secret-store",
    description:
        "Passwords, client secrets and cookie secrets come from Secrets, never literal environment values, arguments, ConfigMaps or config files.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        const out: string[] = [];
        const pod = podSpec(r);
        if (pod !== null) {
            for (const c of containers(pod)) {
                const where = `${metadataName(r)}: container ${String(c.name)}`;
                for (const e of list(c.env)) {
                    if (secretName.test(String(e.name)) && e.value !== undefined) {
                        out.push(
                            `${where} sets ${String(e.name)} as a literal value. Read it from a Secret with valueFrom.secretKeyRef.`,
                        );
                    }
                    const fromConfigMap = obj(obj(e.valueFrom).configMapKeyRef);
                    if (secretName.test(String(e.name)) && fromConfigMap.name !== undefined) {
                        out.push(
                            `${where} reads ${text(e.name)} from ConfigMap ${text(fromConfigMap.name)}. Keep it in a Secret and use valueFrom.secretKeyRef.`,
                        );
                    }
                    if (typeof e.value === "string" && credentialsInUrl.test(e.value)) {
                        out.push(
                            `${where} sets ${String(e.name)} to a URL with a password in it. Drop the credentials from the URL and pass them from a Secret.`,
                        );
                    }
                }
                for (const arg of [...strings(c.command), ...strings(c.args)]) {
                    const flag = secretFlag.exec(arg);
                    if (flag !== null)
                        out.push(
                            `${where} passes --${flag[1]} on the command line. Pass it through an environment variable from a Secret.`,
                        );
                    else if (credentialsInUrl.test(arg))
                        out.push(
                            `${where} passes a URL with a password in it. Drop the credentials from the URL and pass them from a Secret.`,
                        );
                }
            }
        }
        if (isKind(r, "ConfigMap")) {
            for (const [key, value] of Object.entries(obj(r.props.data))) {
                const text = String(value);
                const m = literalInConfig.exec(text);
                if (m !== null)
                    out.push(
                        `ConfigMap ${metadataName(r)} (${key}) holds a literal ${m[1]}. Reference it as \${env:NAME} and set NAME from a Secret.`,
                    );
                if (secretKey.test(key) && text.trim() !== "")
                    out.push(
                        `ConfigMap ${metadataName(r)} holds ${key}, a secret. Move it to a Secret (from the secret store) and mount or reference that.`,
                    );
                if (credentialsInUrl.test(text))
                    out.push(
                        `ConfigMap ${metadataName(r)} (${key}) holds a URL with a password in it. Reference the credentials as \${env:NAME} set from a Secret.`,
                    );
            }
        }
        return out;
    },
};
