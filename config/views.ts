/**
 * Where a team view lives: its indices, its path under the UI's host. The all view is the platform's
 * own prefix and the UI's root.
 */

/** A team view's Elasticsearch index prefix: its indices are `<prefix>-jaeger-span-<date>` and so on. */
export function viewIndexPrefix(platformPrefix: string, view: string): string {
    return `${platformPrefix}-${view}`;
}

/**
 * Whether one view's index pattern (`<prefix>-jaeger-*`, what its users may read) covers another
 * view's indices; the all view's prefix is the platform's own. `undefined` stands for the all view.
 */
export function viewIndexesOverlap(platformPrefix: string, a: string | undefined, b: string | undefined): boolean {
    const pattern = (v: string | undefined) =>
        `${v === undefined ? platformPrefix : viewIndexPrefix(platformPrefix, v)}-jaeger-`;
    const [pa, pb] = [pattern(a), pattern(b)];
    return a !== b && (pa.startsWith(pb) || pb.startsWith(pa));
}

/** The path a team view is served under, on the UI's host: its proxy, its UI, its API. */
export function viewPath(view: string): string {
    return `/views/${view}`;
}
