import { existsSync } from "fs";
import { homedir } from "os";
import { join } from "path";
import { versions } from "../../../components/versions";

/** Where `npm run tools` puts the pinned upstream binaries (see scripts/install-tools.sh). */
export const toolsDir = process.env.TRACING_TOOLS_DIR ?? join(homedir(), ".cache", "tracing-platform", "tools");

function tool(name: string, version: string, binary: string): string {
    const path = join(toolsDir, `${name}-${version}`, "bin", binary);
    if (!existsSync(path)) throw new Error(`${path} is missing: run npm run tools`);
    return path;
}

export const tools = {
    otelcol: () => tool("otelcol", versions.collector.version, "otelcol"),
    jaeger: () => tool("jaeger", versions.jaeger.version, "jaeger"),
    oauth2Proxy: () => tool("oauth2-proxy", versions.oauth2Proxy.version, "oauth2-proxy"),
    telemetrygen: () => tool("telemetrygen", versions.telemetrygen.version, "telemetrygen"),
};
