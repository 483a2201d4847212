import { readStackFile } from "../../config/stack-file";
import { projectDir } from "../support/resources";
import { describeClusterDeploy } from "./support/deploy-suite";

// The dev stack with the UI on an existing internal Gateway (Gateway API CRDs installed beforehand).
const exposure = JSON.parse(readStackFile(projectDir, "dev")["tracing:exposure"]) as Record<string, unknown>;
describeClusterDeploy(
    "dev",
    {
        "tracing:exposure": JSON.stringify({
            ...exposure,
            mode: "gateway-api",
            gateway: { name: "internal", namespace: "gateway-internal" },
        }),
    },
    "gateway-api",
);
