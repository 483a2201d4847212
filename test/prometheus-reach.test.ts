import { parseStackConfig } from "../config/config";
import { prometheusReach } from "../stacks/platform";
import { requiredConfig } from "./support/minimal-config";

const withMonitoring = (monitoring: Record<string, unknown>) =>
    parseStackConfig({ ...requiredConfig, "tracing:monitoring": JSON.stringify(monitoring) });

describe("what the NetworkPolicies open to Prometheus, from tracing:monitoring", () => {
    it("opens nothing without a Prometheus namespace", () => {
        expect(prometheusReach(withMonitoring({}))).toBeUndefined();
    });

    it("lets that namespace scrape, and Jaeger query it only when its URL is given", () => {
        expect(prometheusReach(withMonitoring({ prometheusNamespace: "monitoring" }))).toEqual({
            namespace: "monitoring",
            port: 9090,
            queriedByJaeger: false,
        });
    });

    it("takes the port from the URL, or the scheme's own when it names none", () => {
        const port = (prometheusUrl: string) =>
            prometheusReach(withMonitoring({ prometheusNamespace: "monitoring", prometheusUrl }));
        expect(port("http://prometheus.monitoring.svc:9091")).toEqual({
            namespace: "monitoring",
            port: 9091,
            queriedByJaeger: true,
        });
        expect(port("http://prometheus.monitoring.svc")?.port).toBe(80);
        expect(port("https://prometheus.monitoring.svc")?.port).toBe(443);
        expect(port("https://prometheus.monitoring.svc:8443/prometheus")?.port).toBe(8443);
    });
});
