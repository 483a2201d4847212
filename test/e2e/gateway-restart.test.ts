import { gatewayTerminationGraceSeconds } from "../../renderers/gateway-config";
import { gatewayRestart, Restart } from "../../harness/resilience";

// 15 s of load at 400 spans/s; Jaeger is frozen throughout, and the gateway is stopped mid-load,
// past its decision wait, holding both queued exports and traces still waiting for a decision.
const spans = 6000;
let persistent: Restart;
let inMemory: Restart;

beforeAll(async () => {
    [persistent, inMemory] = await Promise.all([
        gatewayRestart(true, "restart", spans),
        gatewayRestart(false, "restart", spans),
    ]);
}, 240000);

describe("the gateway restarted as Kubernetes restarts a pod: SIGTERM, SIGKILL only after the grace period", () => {
    it(`shuts down within the pod's ${gatewayTerminationGraceSeconds} s grace period`, () => {
        expect(persistent.killedAfterGrace).toBe(false);
        expect(persistent.shutdownSeconds).toBeLessThan(gatewayTerminationGraceSeconds);
    });

    it(`loses none of ${spans} spans with the rendered persistent queue, though Jaeger was down throughout`, () => {
        expect(persistent.agentLosses).toBe(0);
        expect(persistent.storedSpans).toBe(spans);
    });

    it("loses spans without it: the restart really put queued spans at risk", () => {
        expect(inMemory.agentLosses).toBe(0);
        expect(inMemory.lost).toBeGreaterThan(0);
    });
});
