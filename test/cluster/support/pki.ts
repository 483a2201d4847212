import { execFileSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";

/** The control plane's certificates and keys, made with openssl in the run's scratch directory. */
export interface Pki {
    dir: string;
    caCert: string;
    caKey: string;
    serverCert: string;
    serverKey: string;
    adminCert: string;
    adminKey: string;
    /** The service-account token signing key pair. */
    serviceAccountKey: string;
    serviceAccountPub: string;
}

const openssl = (cwd: string, args: string[]): void => {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
};

/** A key and a certificate signed by the CA, with the subject and extensions given. */
function issue(dir: string, name: string, subject: string, extensions: string): void {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(dir, [
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        "-subj",
        subject,
    ]);
    openssl(dir, [
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        `${name}.crt`,
        "-extfile",
        `${name}.ext`,
    ]);
}

export function makePki(dir: string): Pki {
    mkdirSync(dir, { recursive: true });
    openssl(dir, [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=test-cluster-ca",
    ]);
    issue(
        dir,
        "apiserver",
        "/CN=kube-apiserver",
        "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1\nextendedKeyUsage=serverAuth\n",
    );
    // system:masters: the control plane's own components and the test act as cluster admin.
    issue(dir, "admin", "/O=system:masters/CN=admin", "extendedKeyUsage=clientAuth\n");
    openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
    openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
    return {
        dir,
        caCert: join(dir, "ca.crt"),
        caKey: join(dir, "ca.key"),
        serverCert: join(dir, "apiserver.crt"),
        serverKey: join(dir, "apiserver.key"),
        adminCert: join(dir, "admin.crt"),
        adminKey: join(dir, "admin.key"),
        serviceAccountKey: join(dir, "sa.key"),
        serviceAccountPub: join(dir, "sa.pub"),
    };
}

/** A kubeconfig for the admin client certificate. */
export function writeKubeconfig(path: string, server: string, pki: Pki): void {
    writeFileSync(
        path,
        JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "test", cluster: { server, "certificate-authority": pki.caCert } }],
            users: [{ name: "admin", user: { "client-certificate": pki.adminCert, "client-key": pki.adminKey } }],
            contexts: [{ name: "test", context: { cluster: "test", user: "admin" } }],
            "current-context": "test",
        }),
    );
}
