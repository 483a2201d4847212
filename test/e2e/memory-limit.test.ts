import { createServer, Server, Socket } from "net";
import { parseStackConfig } from "../../config/config";
import { agentMemoryMiB } from "../../config/schema";
import { readStackFile } from "../../config/stack-file";
import { projectDir } from "../support/resources";
import { metric, rssMiB } from "../../harness/metrics";
import { sendLoad } from "../../harness/load";
import { Collector, startAgent } from "../../harness/pipeline";
import { freePort, stopAll, waitFor } from "../../harness/processes";

/*
 * memory_limiter first and batch last, proven on the real agent. Its gateway accepts connections and
 * never answers (a frozen gateway), so everything the agent accepts stays in it, and a burst fills it
 * until memory_limiter refuses. Because the limiter runs first, its refusal reaches the sender (the
 * OTLP receiver counts it; SDKs and agents retry), the process stays inside its container and
 * nothing it accepted is shed. Were batch first, batch would accept every span before the limiter
 * ran, and the limiter's refusals would lose spans their senders believe delivered. The agent gets
 * the smallest memory the config contract allows, so that the burst is short. Adapted only where
 * there is no cluster: loopback ports.
 */

const dev = parseStackConfig(readStackFile(projectDir, "dev"));
const containerLimitMiB = agentMemoryMiB.min;

let agent: Collector;
let frozenGateway: Server;
const held: Socket[] = [];

beforeAll(async () => {
    const port = await freePort();
    frozenGateway = createServer((socket) => void held.push(socket));
    await new Promise<void>((ready) => frozenGateway.listen(port, "127.0.0.1", ready));
    agent = await startAgent("memory-agent", dev, port, containerLimitMiB);
}, 60000);

afterAll(async () => {
    await stopAll();
    for (const socket of held) socket.destroy();
    frozenGateway.close();
});

it(`refuses to the sender when full, stays inside its ${containerLimitMiB} MiB and sheds nothing it accepted`, async () => {
    const metricsPort = agent.listen.metricsPort;
    const refused = (): Promise<number> => metric(metricsPort, "otelcol_receiver_refused_spans");
    const pid = agent.process.child.pid ?? 0;
    let peakMiB = 0;
    const sampling = setInterval(() => {
        try {
            peakMiB = Math.max(peakMiB, rssMiB(pid));
        } catch {
            /* exited: the assertions below say so */
        }
    }, 100);
    const burst = new AbortController();
    const sending = sendLoad({
        endpoint: `127.0.0.1:${agent.listen.otlpGrpcPort}`,
        spansPerSecond: 40000,
        seconds: 90,
        service: "burst",
        signal: burst.signal,
    });
    try {
        await waitFor("memory_limiter's first refusal at the receiver", async () => (await refused()) > 0, 90000);
    } finally {
        burst.abort();
        await sending;
        clearInterval(sampling);
    }
    const accepted = await metric(metricsPort, "otelcol_receiver_accepted_spans");
    const shed = await metric(
        metricsPort,
        "otelcol_exporter_enqueue_failed_spans",
        "otelcol_exporter_send_failed_spans",
    );
    console.log(
        `memory-limit: ${accepted} spans accepted, ${await refused()} refused to the sender, ${shed} shed; peak RSS ${peakMiB.toFixed(0)} MiB of ${containerLimitMiB} MiB`,
    );
    expect(agent.process.child.exitCode).toBeNull();
    expect(agent.process.child.signalCode).toBeNull();
    expect(accepted).toBeGreaterThan(0);
    expect(shed).toBe(0);
    expect(peakMiB).toBeLessThan(containerLimitMiB);
}, 150000);
