import { execFileSync } from "child_process";
import { writeFileSync } from "fs";
import { join } from "path";

export interface TestTls {
    caFile: string;
    certFile: string;
    keyFile: string;
    /** base64 SHA-256 of the server key's SubjectPublicKeyInfo, for Chromium's SPKI allowlist. */
    spki: string;
}

/** A throwaway CA and a server certificate for localhost and 127.0.0.1, made with openssl. */
export function makeTestTls(dir: string): TestTls {
    const f = (name: string): string => join(dir, name);
    const openssl = (...args: string[]): void => {
        execFileSync("openssl", args, { stdio: "ignore" });
    };
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(
        "req",
        "-x509",
        ...ec,
        "-keyout",
        f("ca.key"),
        "-out",
        f("ca.crt"),
        "-days",
        "1",
        "-subj",
        "/CN=tracing-platform test CA",
    );
    openssl("req", ...ec, "-keyout", f("tls.key"), "-out", f("tls.csr"), "-subj", "/CN=localhost");
    writeFileSync(f("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    openssl(
        "x509",
        "-req",
        "-in",
        f("tls.csr"),
        "-CA",
        f("ca.crt"),
        "-CAkey",
        f("ca.key"),
        "-CAcreateserial",
        "-out",
        f("tls.crt"),
        "-days",
        "1",
        "-extfile",
        f("san.ext"),
    );
    const spki = execFileSync(
        "bash",
        [
            "-c",
            `openssl x509 -in '${f("tls.crt")}' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`,
        ],
        {
            encoding: "utf8",
        },
    ).trim();
    return { caFile: f("ca.crt"), certFile: f("tls.crt"), keyFile: f("tls.key"), spki };
}
