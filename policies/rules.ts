import type { Rule } from "./rule";
import {
    ingressInternalClass,
    ingressTls,
    ingressVpnOnly,
    noExternalService,
    noHostNetwork,
    uiOnlyThroughSso,
} from "./rules/exposure";
import {
    instrumentationAgentsPinned,
    networkPolicyCoverage,
    platformPodsRestricted,
    workloadHardening,
} from "./rules/hardening";
import { egressNotOpen, ingressFromNamedPeers, uiOnlyFromIngressController } from "./rules/network";
import { clientAddressNotStored, piiScrubbedBeforeExport } from "./rules/pii";
import { memoryStoreCapped, retentionWithinLimits, storageWithinLimits } from "./rules/retention";
import { secretsFromSecretStore } from "./rules/secrets";
import { ssoInFrontOfUi, ssoProxySecure } from "./rules/sso";
import { viewIndicesSeparate, viewProxiesAdmitGroups } from "./rules/views";

/** Every rule of the pack, in the order they are reported. */
export const rules: Rule[] = [
    noExternalService,
    noHostNetwork,
    ingressInternalClass,
    ingressTls,
    ingressVpnOnly,
    uiOnlyThroughSso,
    ssoProxySecure,
    ssoInFrontOfUi,
    viewProxiesAdmitGroups,
    viewIndicesSeparate,
    retentionWithinLimits,
    storageWithinLimits,
    memoryStoreCapped,
    piiScrubbedBeforeExport,
    clientAddressNotStored,
    secretsFromSecretStore,
    platformPodsRestricted,
    workloadHardening,
    instrumentationAgentsPinned,
    networkPolicyCoverage,
    egressNotOpen,
    ingressFromNamedPeers,
    uiOnlyFromIngressController,
];
