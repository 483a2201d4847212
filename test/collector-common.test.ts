import { goMemLimit, memoryLimiter, telemetry } from "../renderers/collector-common";
import { podListen } from "../renderers/collector-types";

describe("what every collector pod shares", () => {
    it.each([256, 512, 2048, 1000])(
        "at a %i MiB container limit, the Go runtime's soft limit and memory_limiter's hard limit are the same 80 %%, below the limit",
        (mib) => {
            const soft = goMemLimit(mib);
            expect(soft).toMatch(/^[0-9]+MiB$/);
            expect(Number.parseInt(soft, 10)).toBe(memoryLimiter(mib).limit_mib);
            expect(memoryLimiter(mib).limit_mib).toBeLessThan(mib);
            expect(memoryLimiter(mib).limit_mib).toBeGreaterThanOrEqual(mib * 0.75);
        },
    );

    it("logs JSON at info, and serves its own metrics where the PodMonitor scrapes them", () => {
        const t = telemetry(podListen);
        expect(t.logs).toEqual({ level: "info", encoding: "json" });
        expect(t.metrics.level).toMatch(/^(normal|detailed)$/);
        expect(t.metrics.readers).toEqual([
            { pull: { exporter: { prometheus: { host: podListen.host, port: podListen.metricsPort } } } },
        ]);
    });
});
