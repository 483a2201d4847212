/**
 * What a collector (or Jaeger v2) refuses to start with, checked without the binary: a pipeline
 * naming a component that is not defined, an extension enabled but not configured, and a defined
 * component no pipeline uses (the collector accepts that, but it is a setting that does nothing).
 * A connector counts as used when one pipeline exports to it and another receives from it.
 */
interface Wired {
    service: {
        extensions?: string[];
        pipelines: Record<string, { receivers?: string[]; processors?: string[]; exporters?: string[] }>;
    };
    extensions?: object;
    receivers?: object;
    processors?: object;
    exporters?: object;
    connectors?: object;
}

export function wiringProblems(config: Wired): string[] {
    const defined = (section: object | undefined) => new Set(Object.keys(section ?? {}));
    const connectors = defined(config.connectors);
    const kinds = {
        receivers: new Set([...defined(config.receivers), ...connectors]),
        processors: defined(config.processors),
        exporters: new Set([...defined(config.exporters), ...connectors]),
    };
    const problems: string[] = [];
    const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
        if ((pipeline.receivers ?? []).length === 0) problems.push(`pipeline ${name} has no receiver`);
        if ((pipeline.exporters ?? []).length === 0) problems.push(`pipeline ${name} has no exporter`);
        for (const kind of ["receivers", "processors", "exporters"] as const) {
            for (const id of pipeline[kind] ?? []) {
                used[kind].add(id);
                if (!kinds[kind].has(id))
                    problems.push(`pipeline ${name} names ${kind.slice(0, -1)} ${id}, not defined`);
            }
        }
    }
    for (const kind of ["receivers", "processors", "exporters"] as const) {
        for (const id of defined(config[kind]))
            if (!used[kind].has(id)) problems.push(`${kind.slice(0, -1)} ${id} is defined, no pipeline uses it`);
    }
    for (const id of connectors) {
        if (!used.exporters.has(id) || !used.receivers.has(id))
            problems.push(`connector ${id} is not both exported to and received from`);
    }
    const extensions = defined(config.extensions);
    for (const id of config.service.extensions ?? [])
        if (!extensions.has(id)) problems.push(`extension ${id} is enabled, not defined`);
    for (const id of extensions)
        if (!(config.service.extensions ?? []).includes(id)) problems.push(`extension ${id} is defined, not enabled`);
    return problems;
}
