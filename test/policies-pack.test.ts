// The pack as `pulumi preview --policy-pack policies` runs it: started by @pulumi/pulumi's
// run-policy-pack from policies/, driven over the Analyzer gRPC protocol. Its verdicts must be the
// offline check's.
import { defaultConfig } from "../policies/config";
import { evaluate, ReportedViolation } from "../policies/evaluate";
import type { PolicyInput } from "../policies/resource-view";
import { rules } from "../policies/rules";
import { PackDiagnostic, PolicyPackProcess, urnOf } from "./support/policy-pack-client";
import { clone, commonVariants, ingressVariants, stackResources } from "./support/policy-variants";

let pack: PolicyPackProcess;
const stacks: Record<string, PolicyInput[]> = {};

beforeAll(async () => {
    pack = await PolicyPackProcess.start();
    for (const stack of ["dev", "prod"]) stacks[stack] = stackResources(stack);
}, 120000);

afterAll(async () => {
    await pack?.stop();
});

type Verdict = [string, string, string, string];
const sorted = (vs: Verdict[]): Verdict[] => [...vs].sort((a, b) => a.join("\n").localeCompare(b.join("\n")));
const fromPack = (ds: PackDiagnostic[]): Verdict[] =>
    sorted(ds.map((d) => [d.policy, d.enforcementLevel, d.message, d.urn]));
const fromOffline = (stack: string, rs: PolicyInput[], vs: ReportedViolation[]): Verdict[] =>
    sorted(
        vs.map((v) => {
            const r =
                v.resource === null
                    ? undefined
                    : rs.find((x) => x.type === v.resource?.type && x.name === v.resource?.name);
            return [v.policy, v.enforcementLevel, v.message, r === undefined ? "" : urnOf(stack, r)];
        }),
    );

describe("the policy pack under the Pulumi analyzer protocol", () => {
    it("serves every rule under the pack's name, with its level, description and config schema", async () => {
        const info = await pack.info();
        expect(info.name).toBe("tracing-platform");
        expect(info.policies.map((p) => [p.name, p.enforcementLevel, p.description])).toEqual(
            rules.map((r) => [r.name, r.enforcementLevel, r.description]),
        );
        for (const r of rules) {
            const schema = info.policies.find((p) => p.name === r.name)?.configSchema ?? {};
            expect(Object.keys(schema).sort()).toEqual([...(r.config ?? [])].sort());
            for (const key of r.config ?? []) expect(schema[key].default).toEqual(defaultConfig[key]);
        }
    });

    it("applies the defaults itself when the engine sends no settings", async () => {
        await pack.clearConfig();
        const broken = clone(stacks.prod);
        commonVariants.find(([what]) => what === "a retention above the maximum")?.[2](broken);
        expect((await pack.analyze("prod", broken)).map((d) => d.message)).toEqual([
            expect.stringContaining("keeps 45 days of traces; the limit is 1 to 30"),
        ]);
    });

    it.each(["dev", "prod"])("finds nothing on the committed %s stack", async (stack) => {
        await pack.configure();
        expect(await pack.analyze(stack, stacks[stack])).toEqual([]);
    });

    it("reports exactly what the offline check reports on every broken variant", async () => {
        await pack.configure();
        for (const [what, , breakIt] of [...commonVariants, ...ingressVariants]) {
            const broken = clone(stacks.prod);
            breakIt(broken);
            const got = fromPack(await pack.analyze("prod", broken));
            expect({ what, verdicts: got }).toEqual({ what, verdicts: fromOffline("prod", broken, evaluate(broken)) });
            expect(got.length).toBeGreaterThan(0);
        }
        // Some sixty variants, each through the analyzer's gRPC protocol.
    }, 150000);

    it("honours --policy-pack-config: a stricter maxRetentionDays turns prod red", async () => {
        await pack.configure({ "retention-within-limits": { maxRetentionDays: 7 } });
        const ds = await pack.analyze("prod", stacks.prod);
        expect(ds.map((d) => [d.policy, d.enforcementLevel])).toEqual([["retention-within-limits", "mandatory"]]);
        expect(ds[0].message).toContain("keeps 14 days of traces; the limit is 1 to 7");
        expect(ds[0].urn).toBe("urn:pulumi:prod::tracing-platform::kubernetes:batch/v1:CronJob::index-cleaner");
        expect(await pack.analyze("dev", stacks.dev)).toEqual([]);
    });

    it("honours enforcement levels from the config, per policy and for all", async () => {
        const broken = clone(stacks.dev);
        commonVariants.find(([what]) => what === "a LoadBalancer Service")?.[2](broken);
        await pack.configure({ "no-external-service": "advisory" });
        expect((await pack.analyze("dev", broken)).map((d) => [d.policy, d.enforcementLevel])).toEqual([
            ["no-external-service", "advisory"],
        ]);
        await pack.configure({ all: "disabled" });
        expect(await pack.analyze("dev", broken)).toEqual([]);
        await pack.configure({ "ingress-vpn-only": { allowedSourceRanges: ["192.168.0.0/16"] } });
        expect((await pack.analyze("dev", stacks.dev)).map((d) => d.policy)).toEqual(["ingress-vpn-only"]);
    });

    it("writes nothing on stderr", () => {
        expect(pack.errors).toBe("");
    });
});
