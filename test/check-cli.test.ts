import { unlinkSync, writeFileSync } from "fs";
import { join } from "path";
import type { CheckReport } from "../scripts/check";
import { stringify } from "yaml";
import { requiredValues, ssoConfig } from "./support/minimal-config";
import { find, obj, projectDir, runCheck, scratchDir } from "./support/resources";

const badStack = `test-bad-${process.pid}`;
const badFile = join(scratchDir, `Pulumi.${badStack}.yaml`);

afterAll(() => unlinkSync(badFile));

describe("npm run check", () => {
    it("prints exactly one JSON object listing the resources with --json", () => {
        const run = runCheck(["--stack", "dev", "--json"]);
        expect(run.status).toBe(0);
        const lines = run.stdout.trim().split("\n");
        expect(lines).toHaveLength(1);
        const report = JSON.parse(lines[0]) as CheckReport;
        expect(report.stack).toBe("dev");
        expect(Array.isArray(report.violations)).toBe(true);
        const ds = report.resources.find((r) => r.type === "kubernetes:apps/v1:DaemonSet");
        expect(ds?.name).toBe("agent");
        expect(Object.keys(report.resources[0])).toEqual(["type", "name", "inputs"]);
    });

    it("prints a readable summary without --json", () => {
        const run = runCheck(["--stack", "prod"]);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/^stack prod: \d+ resources would be deployed/);
        expect(run.stdout).toMatch(/StatefulSet\s+gateway\s+tracing\/otel-gateway replicas=3/);
    });

    it("exits 2 and names the key on a bad configuration, before any resource", () => {
        writeFileSync(badFile, "config:\n  tracing:retentionDays: 400\n");
        const run = runCheck(["--stack", badStack, "--json", "--config-file", badFile]);
        expect(run.status).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr).toContain("tracing:retentionDays must be an integer from 1 to 90, got 400");
    });

    it("reads any stack name and replaces encrypted values with placeholders", () => {
        const sso = { ...ssoConfig, existingSecret: undefined, clientSecret: { secure: "v1:AAABAxyz" } };
        writeFileSync(
            badFile,
            stringify({
                config: {
                    ...requiredValues,
                    "tracing:createNamespace": true,
                    "tracing:retentionDays": 5,
                    "tracing:sso": sso,
                },
            }),
        );
        const run = runCheck(["--stack", badStack, "--json", "--config-file", badFile]);
        expect(run.status).toBe(0);
        const report = JSON.parse(run.stdout) as CheckReport;
        expect(report.stack).toBe(badStack);
        const secret = find(report.resources, "kubernetes:core/v1:Secret", "oauth2-proxy");
        expect(obj(secret.inputs.stringData)["client-secret"]).toBe("placeholder-secret-for-tracing-sso-clientSecret");
    });

    it("explains a missing stack file", () => {
        const run = runCheck(["--stack", "nosuchstack"]);
        expect(run.status).toBe(64);
        expect(run.stderr).toContain(`no stack file ${join(projectDir, "Pulumi.nosuchstack.yaml")}`);
    });
});
