import { describeClusterDeploy } from "./support/deploy-suite";

describeClusterDeploy("dev");
