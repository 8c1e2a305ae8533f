/**
 * A throwaway self-signed certificate for 127.0.0.1, made at test time with the `openssl` CLI
 * (P-256, valid one day, `subjectAltName=IP:127.0.0.1`), so an https server on loopback can be
 * trusted by passing the certificate as the CA. Nothing is kept: the files live in a temporary
 * directory removed at once.
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SelfSigned {
  /** PEM private key. */
  readonly key: string;
  /** PEM certificate, also the CA to trust. */
  readonly cert: string;
}

/** Whether the `openssl` CLI can be run. */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Generates the certificate. @throws when `openssl` is missing or fails. */
export function selfSignedLoopbackCertificate(): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), "rx-lro-tls-"));
  try {
    const keyPath = join(dir, "key.pem");
    const certPath = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", keyPath, "-out", certPath, "-days", "1",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore", timeout: 10_000 },
    );
    return { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
