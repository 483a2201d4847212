/** Where a Helm chart is installed from: a repository (a mirror of the upstream one) or an OCI reference. */
export interface ChartSource {
    repo?: string;
    oci?: string;
}

/**
 * The `chart` and `repositoryOpts` of a Helm release for `chart`: from `source` when configured (an
 * OCI reference is the chart itself), else from `upstreamRepo` (the chart's own repository, when the
 * component knows one).
 */
export function chartOrigin(
    chart: string,
    source: ChartSource | undefined,
    upstreamRepo?: string,
): { chart: string; repositoryOpts?: { repo: string } } {
    if (source?.oci !== undefined) return { chart: source.oci };
    const repo = source?.repo ?? upstreamRepo;
    return repo === undefined ? { chart } : { chart, repositoryOpts: { repo } };
}
