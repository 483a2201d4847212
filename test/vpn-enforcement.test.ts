import { renderVpnEnforcement } from "../renderers/vpn-enforcement";

const base = { sourceRanges: ["10.8.0.0/16"], namespace: "tracing", routeName: "jaeger-ui" };

describe("VPN-only enforcement in each controller's own form", () => {
    it("Traefik: an ipAllowList Middleware the Ingress names, or a filter on the HTTPRoute's rules", () => {
        const ingress = renderVpnEnforcement({ ...base, mode: "ingress", controller: "traefik" });
        expect(ingress.objects).toEqual([
            {
                apiVersion: "traefik.io/v1alpha1",
                kind: "Middleware",
                name: "jaeger-ui-vpn-only",
                spec: { ipAllowList: { sourceRange: ["10.8.0.0/16"] } },
            },
        ]);
        expect(ingress.annotations).toEqual({
            "traefik.ingress.kubernetes.io/router.middlewares": "tracing-jaeger-ui-vpn-only@kubernetescrd",
        });
        const route = renderVpnEnforcement({ ...base, mode: "gateway-api", controller: "traefik" });
        expect(route.routeFilters).toEqual([
            {
                type: "ExtensionRef",
                extensionRef: { group: "traefik.io", kind: "Middleware", name: "jaeger-ui-vpn-only" },
            },
        ]);
    });

    it("Envoy Gateway: a SecurityPolicy on the route that denies all but the VPN's client addresses", () => {
        const r = renderVpnEnforcement({ ...base, mode: "gateway-api", controller: "envoy-gateway" });
        expect(r.objects[0]).toMatchObject({
            kind: "SecurityPolicy",
            spec: {
                targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "jaeger-ui" }],
                authorization: {
                    defaultAction: "Deny",
                    rules: [{ action: "Allow", principal: { clientCIDRs: ["10.8.0.0/16"] } }],
                },
            },
        });
    });

    it("HAProxy and ingress-nginx: the annotations they read; ingress-nginx also gets a buffer for large session cookies", () => {
        expect(renderVpnEnforcement({ ...base, mode: "ingress", controller: "haproxy" }).annotations).toEqual({
            "haproxy.org/allow-list": "10.8.0.0/16",
        });
        expect(renderVpnEnforcement({ ...base, mode: "ingress", controller: "ingress-nginx" }).annotations).toEqual({
            "nginx.ingress.kubernetes.io/whitelist-source-range": "10.8.0.0/16",
            "nginx.ingress.kubernetes.io/proxy-buffer-size": "16k",
        });
    });

    it("custom: only the annotation the config names, and nothing without one", () => {
        expect(
            renderVpnEnforcement({
                ...base,
                mode: "gateway-api",
                controller: "custom",
                customAnnotation: "example.com/allow",
            }).annotations,
        ).toEqual({ "example.com/allow": "10.8.0.0/16" });
        expect(() => renderVpnEnforcement({ ...base, mode: "ingress", controller: "custom" })).toThrow(
            /needs the annotation/,
        );
    });
});
