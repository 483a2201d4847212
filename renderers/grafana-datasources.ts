import { stringify } from "yaml";

/**
 * Jaeger data sources for Grafana's datasource sidecar (kube-prometheus-stack's default set-up): one
 * provisioning file per view, each in the Grafana organisation of the people the view admits. In
 * Grafana OSS every member of an organisation may query each of its data sources, so the organisation
 * is what limits a team to its view; Grafana never creates organisations from provisioning, and a
 * data source naming a missing one stops all provisioning (README, "Team views in Grafana").
 */

export interface DatasourceView {
    /** `all`, or a team view's name. */
    name: string;
    orgId: number;
    /** The view's query service with its base path (no trailing slash). */
    url: string;
}

/** What a provisioning file holds (Grafana's `apiVersion: 1` datasource format). */
export interface DatasourceProvisioning {
    apiVersion: 1;
    datasources: {
        name: string;
        uid: string;
        type: "jaeger";
        access: "proxy";
        orgId: number;
        url: string;
        editable: false;
    }[];
}

export const datasourceUid = (view: string): string => `tracing-jaeger-${view}`;
/** The sidecar loads keys ending in .yaml from ConfigMaps labelled grafana_datasource: "1". */
export const datasourceLabel = { grafana_datasource: "1" } as const;

export function renderJaegerDatasource(view: DatasourceView): DatasourceProvisioning {
    return {
        apiVersion: 1,
        datasources: [
            {
                name: view.name === "all" ? "Jaeger" : `Jaeger (${view.name})`,
                uid: datasourceUid(view.name),
                type: "jaeger",
                access: "proxy",
                orgId: view.orgId,
                url: view.url,
                editable: false,
            },
        ],
    };
}

/** The ConfigMap data of one view's data source. */
export function datasourceConfigMapData(view: DatasourceView): Record<string, string> {
    return { [`${datasourceUid(view.name)}.yaml`]: stringify(renderJaegerDatasource(view)) };
}
