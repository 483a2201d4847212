import { describeClusterDeploy } from "./support/deploy-suite";

describeClusterDeploy("prod");
