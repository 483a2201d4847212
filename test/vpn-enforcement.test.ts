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

    const twoRanges = { ...base, sourceRanges: ["10.8.0.0/16", "10.9.0.0/24"] };

    it("gives each controller only its own form: annotation controllers no objects, object controllers no stray annotations", () => {
        expect(renderVpnEnforcement({ ...twoRanges, mode: "ingress", controller: "haproxy" })).toEqual({
            annotations: { "haproxy.org/allow-list": "10.8.0.0/16,10.9.0.0/24" },
            objects: [],
            routeFilters: [],
        });
        expect(renderVpnEnforcement({ ...twoRanges, mode: "ingress", controller: "ingress-nginx" })).toMatchObject({
            annotations: { "nginx.ingress.kubernetes.io/whitelist-source-range": "10.8.0.0/16,10.9.0.0/24" },
            objects: [],
            routeFilters: [],
        });
        expect(
            renderVpnEnforcement({ ...twoRanges, mode: "ingress", controller: "custom", customAnnotation: "a/b" }),
        ).toEqual({ annotations: { "a/b": "10.8.0.0/16,10.9.0.0/24" }, objects: [], routeFilters: [] });
        const envoy = renderVpnEnforcement({ ...twoRanges, mode: "gateway-api", controller: "envoy-gateway" });
        expect(envoy.annotations).toEqual({});
        expect(envoy.routeFilters).toEqual([]);
        expect(envoy.objects).toEqual([
            {
                apiVersion: "gateway.envoyproxy.io/v1alpha1",
                kind: "SecurityPolicy",
                name: "jaeger-ui-vpn-only",
                spec: {
                    targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "jaeger-ui" }],
                    authorization: {
                        defaultAction: "Deny",
                        rules: [{ name: "vpn", action: "Allow", principal: { clientCIDRs: twoRanges.sourceRanges } }],
                    },
                },
            },
        ]);
        const traefikRoute = renderVpnEnforcement({ ...twoRanges, mode: "gateway-api", controller: "traefik" });
        expect(traefikRoute.annotations).toEqual({});
        expect(traefikRoute.objects).toHaveLength(1);
    });

    it("refuses a controller that cannot enforce in the mode asked for, rather than render an annotation nothing reads", () => {
        expect(() => renderVpnEnforcement({ ...base, mode: "ingress", controller: "envoy-gateway" })).toThrow(
            "envoy-gateway is not an Ingress controller",
        );
        expect(() => renderVpnEnforcement({ ...base, mode: "gateway-api", controller: "haproxy" })).toThrow(
            "haproxy is not a Gateway API controller",
        );
    });
});
