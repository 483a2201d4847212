import { mkdirSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { obj, Obj } from "../../support/resources";

/** A rendered pod's container with the volumes it mounts. */
export interface RenderedContainer {
    args: string[];
    volumes: Obj[];
    volumeMounts: { name: string; mountPath: string }[];
}

/** The first container of a rendered Deployment (or any pod template owner) with its pod's volumes. */
export function renderedContainer(workload: { inputs: Obj }): RenderedContainer {
    const pod = obj(obj(obj(workload.inputs.spec).template).spec);
    const container = (pod.containers as { args?: string[]; volumeMounts?: RenderedContainer["volumeMounts"] }[])[0];
    return {
        args: container.args ?? [],
        volumes: (pod.volumes as Obj[] | undefined) ?? [],
        volumeMounts: container.volumeMounts ?? [],
    };
}

/**
 * What the kubelet does with a container's ConfigMap volumes: each item's file under its mount path,
 * here below a scratch root. `contents` gives the data (ConfigMap name → key → text): the test
 * environment's own, e.g. its IdP's CA standing for the corporate CA bundle. Returns the path the
 * container would read → the scratch path that stands for it.
 */
export function mountConfigMaps(
    container: RenderedContainer,
    root: string,
    contents: Record<string, Record<string, string>>,
): Record<string, string> {
    const paths: Record<string, string> = {};
    for (const mount of container.volumeMounts) {
        const source = obj(container.volumes.find((v) => v.name === mount.name)?.configMap);
        if (typeof source.name !== "string") continue;
        for (const item of (source.items as { key: string; path: string }[] | undefined) ?? []) {
            const data = contents[source.name]?.[item.key];
            if (data === undefined) throw new Error(`no test content for ConfigMap ${source.name} key ${item.key}`);
            const scratch = join(root, mount.mountPath, item.path);
            mkdirSync(dirname(scratch), { recursive: true });
            writeFileSync(scratch, data);
            paths[`${mount.mountPath}/${item.path}`] = scratch;
        }
    }
    return paths;
}

/** Replaces (or adds) `--flag=value` arguments; every other rendered flag stays as rendered. */
export function overrideFlags(args: string[], values: Record<string, string>): string[] {
    const kept = args.filter((a) => !Object.keys(values).some((flag) => a.startsWith(`--${flag}=`)));
    return [...kept, ...Object.entries(values).map(([flag, value]) => `--${flag}=${value}`)];
}

/**
 * The rendered args with every file flag that points into a mounted ConfigMap moved to where
 * `mountConfigMaps` put the file (only file paths change).
 */
export function withMountedFiles(args: string[], mounted: Record<string, string>): string[] {
    return args.map((a) => {
        const eq = a.indexOf("=");
        const target = eq < 0 ? undefined : mounted[a.slice(eq + 1)];
        return target === undefined ? a : `${a.slice(0, eq + 1)}${target}`;
    });
}
