import { readFileSync } from "fs";
import { join } from "path";
import pinned from "../versions.json";

const readJson = (file: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(__dirname, "..", file), "utf8")) as Record<string, unknown>;

interface LockEntry {
    version: string;
}

describe("the Node.js agent the tests run is the one the Instrumentation injects", () => {
    const nodejs = pinned.autoInstrumentation.nodejs;
    const manifest = readJson("e2e/package.json") as { dependencies: Record<string, string> };
    const lock = readJson("e2e/package-lock.json") as { packages: Record<string, LockEntry> };

    it("e2e/package.json pins the agent image's auto-instrumentations-node and API versions exactly", () => {
        expect(manifest.dependencies["@opentelemetry/auto-instrumentations-node"]).toBe(nodejs.version);
        expect(manifest.dependencies["@opentelemetry/api"]).toBe(nodejs.api);
    });

    it("the stand-ins' lock file installs those versions", () => {
        expect(lock.packages["node_modules/@opentelemetry/auto-instrumentations-node"].version).toBe(nodejs.version);
        expect(lock.packages["node_modules/@opentelemetry/api"].version).toBe(nodejs.api);
    });
});
