import { existsSync } from "fs";
import { homedir } from "os";
import { join } from "path";
import { versions } from "../components/versions";
import { projectDir } from "./project";

/**
 * Where `npm run tools` (scripts/install-tools.sh) puts the pinned upstream binaries:
 * ${TRACING_TOOLS_DIR:-$HOME/.cache/tracing-platform/tools}/<tool>-<version>/bin/<binary>, the
 * versions read from versions.json (through components/versions.ts, as the deployed images are).
 */
export const toolsDir = process.env.TRACING_TOOLS_DIR ?? join(homedir(), ".cache", "tracing-platform", "tools");

const paths = {
    otelcol: () => join(toolsDir, `otelcol-${versions.collector.version}`, "bin", "otelcol"),
    jaeger: () => join(toolsDir, `jaeger-${versions.jaeger.version}`, "bin", "jaeger"),
    oauth2Proxy: () => join(toolsDir, `oauth2-proxy-${versions.oauth2Proxy.version}`, "bin", "oauth2-proxy"),
    telemetrygen: () => join(toolsDir, `telemetrygen-${versions.telemetrygen.version}`, "bin", "telemetrygen"),
    promtool: () => join(toolsDir, `promtool-${versions.prometheus.version}`, "bin", "promtool"),
    prometheus: () => join(toolsDir, `prometheus-${versions.prometheus.version}`, "bin", "prometheus"),
    // From Maven Central, by scripts/e2e-install.sh.
    javaAgent: () =>
        join(toolsDir, `java-agent-${versions.autoInstrumentation.java.version}`, "opentelemetry-javaagent.jar"),
};

function resolve(path: string): string {
    if (!existsSync(path)) throw new Error(`${path} is missing: run npm run tools and bash scripts/e2e-install.sh`);
    return path;
}

export const tools = {
    otelcol: () => resolve(paths.otelcol()),
    jaeger: () => resolve(paths.jaeger()),
    oauth2Proxy: () => resolve(paths.oauth2Proxy()),
    telemetrygen: () => resolve(paths.telemetrygen()),
    promtool: () => resolve(paths.promtool()),
    prometheus: () => resolve(paths.prometheus()),
    javaAgent: () => resolve(paths.javaAgent()),
};

/** The pinned binaries not in the cache. */
export function missingTools(): string[] {
    return Object.values(paths)
        .map((p) => p())
        .filter((p) => !existsSync(p));
}

/** The Java CRM API stand-in, built by scripts/e2e-install.sh. */
export const crmApiJar = join(projectDir, "e2e", "crm-api-java", "target", "crm-api.jar");
