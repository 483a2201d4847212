import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./config/config";
import { deployPlatform } from "./stacks/platform";

// Validate the whole configuration before a single resource is registered.
const config = parseStackConfig(pulumi.runtime.allConfig());

export = deployPlatform(config);
