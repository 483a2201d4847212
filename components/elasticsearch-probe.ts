/**
 * Readiness: the node answers on HTTPS with a certificate from our CA. The cluster health endpoint
 * needs credentials; a 401 still proves TLS and the HTTP layer are up, which is what readiness means here.
 */
export function httpsProbeCommand(certDir: string): string[] {
    return [
        "bash",
        "-c",
        `code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ${certDir}/ca.crt https://elasticsearch:9200/ --resolve elasticsearch:9200:127.0.0.1) && [ "$code" = 200 -o "$code" = 401 ]`,
    ];
}
