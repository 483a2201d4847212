import { containers, flags, isSsoProxy, metadataName, obj, podSpec, PolicyInput, text } from "../resource-view";
import { at, StackRule, Violation } from "../rule";
import { configOf, jaegerBackends } from "./collector-config";
import { servesJaegerUi } from "./sso";

/** A Jaeger that serves the UI and its API (a view): which Elasticsearch indices it reads. */
interface ViewQuery {
    configMap: PolicyInput;
    prefix: string;
}

/** Jaeger names every index `<prefix>-jaeger-<kind>-<date>` (`jaeger-<kind>-<date>` without a prefix). */
const indexPattern = (prefix: string): string => (prefix === "" ? "jaeger-" : `${prefix}-jaeger-`);

function viewQueries(resources: PolicyInput[]): ViewQuery[] {
    return resources.flatMap((r) => {
        const c = configOf(r);
        const query = obj(obj(c?.extensions).jaeger_query);
        if (c === null || obj(c.extensions).jaeger_query === undefined) return [];
        const backend = obj(jaegerBackends(c)[text(obj(query.storage).traces)]);
        if (backend.elasticsearch === undefined) return [];
        return [{ configMap: r, prefix: text(obj(obj(backend.elasticsearch).indices).index_prefix) }];
    });
}

export const viewIndicesSeparate: StackRule = {
    kind: "stack",
    name: "view-indices-separate",
    description:
        "Each Jaeger query (the all view, each team view) reads an index prefix of its own that no other view's index pattern covers.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const queries = viewQueries(resources);
        const out: Violation[] = [];
        for (const q of queries) {
            const mine = indexPattern(q.prefix);
            const other = queries.find((o) => {
                const theirs = indexPattern(o.prefix);
                return o !== q && (mine.startsWith(theirs) || theirs.startsWith(mine));
            });
            if (other !== undefined)
                out.push(
                    at(
                        q.configMap,
                        `The Jaeger query in ${metadataName(q.configMap)} reads ${mine}* and the one in ${metadataName(other.configMap)} ${indexPattern(other.prefix)}*: one view's users would read the other's spans. Give each view an index prefix of its own (rename the view in tracing:views).`,
                    ),
                );
        }
        return out;
    },
};

export const viewProxiesAdmitGroups: StackRule = {
    kind: "stack",
    name: "view-proxies-admit-groups",
    description:
        "With more than one view, each view's SSO proxy admits named IdP groups: an e-mail domain alone lets the whole company into a team's view.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        if (resources.filter(servesJaegerUi).length < 2) return [];
        return resources.filter(isSsoProxy).flatMap((p) => {
            const args = containers(podSpec(p) ?? {}).map(flags);
            if (args.some((a) => (a.get("allowed-group") ?? []).length > 0)) return [];
            const upstream = args.flatMap((a) => a.get("upstream") ?? []).join(", ");
            return [
                at(
                    p,
                    `oauth2-proxy ${metadataName(p)} admits anyone of its e-mail domains to ${upstream}. Set the view's groups (tracing:views[].groups, or tracing:sso.allowedGroups for the all view).`,
                ),
            ];
        });
    },
};
