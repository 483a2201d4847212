import { containers, isKind, list, metadataName, obj, podSpec, strings } from "../resource-view";
import type { ResourceRule } from "../rule";

const secretName = /(PASSWORD|SECRET|TOKEN|API_?KEY|CREDENTIAL)/i;
const secretFlag = /^--(client-secret|cookie-secret|password|es\.password)=/;
// A key that names a secret with a literal value, not ${env:...} or ${file:...}.
const literalInConfig = /^\s*(password|client_secret|cookie_secret|api_key|token)\s*:\s*(?!["']?\$\{)(\S+)/im;

export const secretsFromSecretStore: ResourceRule = {
    kind: "resource",
    name: "secrets-from-secret-store",
    description: "Passwords, client secrets and cookie secrets come from Secrets, never literal environment values, arguments or config files.",
    enforcementLevel: "mandatory",
    validateResource(r) {
        const out: string[] = [];
        const pod = podSpec(r);
        if (pod !== null) {
            for (const c of containers(pod)) {
                for (const e of list(c.env)) {
                    if (secretName.test(String(e.name)) && e.value !== undefined) {
                        out.push(`${metadataName(r)}: container ${String(c.name)} sets ${String(e.name)} as a literal value. Read it from a Secret with valueFrom.secretKeyRef.`);
                    }
                }
                for (const arg of strings(c.args)) {
                    if (secretFlag.test(arg)) out.push(`${metadataName(r)}: container ${String(c.name)} passes ${arg.split("=")[0]} on the command line. Pass it through an environment variable from a Secret.`);
                }
            }
        }
        if (isKind(r, "ConfigMap")) {
            for (const [key, value] of Object.entries(obj(r.props.data))) {
                const m = literalInConfig.exec(String(value));
                if (m !== null) out.push(`ConfigMap ${metadataName(r)} (${key}) holds a literal ${m[1]}. Reference it as \${env:NAME} and set NAME from a Secret.`);
            }
        }
        return out;
    },
};
