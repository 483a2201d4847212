import { parse } from "yaml";
import {
    datasourceConfigMapData,
    datasourceLabel,
    DatasourceProvisioning,
    renderJaegerDatasource,
} from "../renderers/grafana-datasources";

const all = { name: "all", orgId: 1, url: "http://jaeger-query.tracing.svc.cluster.local:16686" };
const shop = { name: "shop", orgId: 2, url: "http://jaeger-shop-query.tracing.svc.cluster.local:16686/views/shop" };

describe("Grafana's Jaeger data sources", () => {
    it("gives each view one data source in its team's organisation, queried by Grafana's server, not the browser", () => {
        // The query services are cluster-internal: only Grafana's backend (access: proxy) reaches them.
        expect(renderJaegerDatasource(shop)).toEqual({
            apiVersion: 1,
            datasources: [
                {
                    name: "Jaeger (shop)",
                    uid: "tracing-jaeger-shop",
                    type: "jaeger",
                    access: "proxy",
                    orgId: 2,
                    url: shop.url,
                    editable: false,
                },
            ],
        });
    });

    it("names the all view's data source plainly, and keeps every name and uid apart", () => {
        const sources = [all, shop, { ...shop, name: "crm" }].map((v) => renderJaegerDatasource(v).datasources[0]);
        expect(sources[0].name).toBe("Jaeger");
        expect(new Set(sources.map((s) => s.name)).size).toBe(3);
        expect(new Set(sources.map((s) => s.uid)).size).toBe(3);
    });

    it("keeps a data source out of the organisation's editors' hands, so no one repoints it at another view", () => {
        for (const v of [all, shop]) expect(renderJaegerDatasource(v).datasources[0].editable).toBe(false);
    });

    it("writes one file the sidecar loads (a .yaml key in a ConfigMap labelled grafana_datasource: 1), holding the same data source", () => {
        const data = datasourceConfigMapData(shop);
        expect(Object.keys(data)).toEqual(["tracing-jaeger-shop.yaml"]);
        expect(parse(data["tracing-jaeger-shop.yaml"]) as DatasourceProvisioning).toEqual(renderJaegerDatasource(shop));
        expect(datasourceLabel).toEqual({ grafana_datasource: "1" });
    });
});
